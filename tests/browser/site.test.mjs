// SPDX-License-Identifier: MIT
// Browser test of the archmatrix site: Debian's chromium, driven headless by
// playwright-core, over a site served by a local HTTP server.
//
//   node site.test.mjs MKSITE FIXTURE OUT_DIR
//
// MKSITE writes the site from a report fixture (no CLI, no registry); the
// site and the screenshots go under OUT_DIR, in the build folder.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync, mkdirSync } from "node:fs";
import path from "node:path";
import { columnStates, runChecks, visibleNames } from "./harness.mjs";

const [mksite, fixture, outDir] = process.argv.slice(2);
if (!mksite || !fixture || !outDir) {
  console.error("usage: node site.test.mjs MKSITE FIXTURE OUT_DIR");
  process.exit(2);
}
const site = path.join(outDir, "site");
const shots = path.join(outDir, "screenshots");

// Two runs, a day apart, so the trend and the changes have something.
rmSync(site, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });
execFileSync(mksite, [fixture, site, "2024-05-01T06:00:00Z"]);
execFileSync(mksite, [fixture, site, "2024-05-02T06:00:00Z"]);

const checks = [];
function check(name, fn) { checks.push([name, fn]); }

check("cells show a symbol and a word", async (page) => {
  const agn = page.locator('tr:has(th[data-value$="agnhost:2.47"]) ' +
    'td[data-col="linux/arm64"]');
  await assert.doesNotReject(agn.waitFor());
  assert.equal(await agn.getAttribute("data-state"), "published");
  assert.match(await agn.innerText(), /✓\s*published/);
  const legacy = page.locator('tr:has(th[data-value$="/legacy:0.1"]) ' +
    'td[data-col="linux/arm64"]');
  assert.equal(await legacy.getAttribute("data-state"), "blocked");
  assert.match(await legacy.innerText(), /blocked[\s\S]*debian-amd64-only:1/);
  const priv = page.locator('tr:has(th[data-value$="private:1.0"]) ' +
    'td[data-col="linux/amd64"]');
  assert.match(await priv.innerText(), /\?\s*unknown[\s\S]*401/);
  assert.equal(await page.locator("[data-count]").innerText(), "17 images");
});

check("sorting by a platform column", async (page) => {
  const head = page.locator('table[data-matrix] >> nth=0')
    .locator('th[data-col="linux/arm64"] button');
  await head.click();
  assert.equal(await page.locator('table[data-matrix] >> nth=0')
    .locator('th[data-col="linux/arm64"]').getAttribute("aria-sort"),
    "ascending");
  const rank = ["published", "declared", "portable", "blocked", "missing",
    "unknown", "unused"];
  const asc = (await columnStates(page, "linux/arm64"))
    .map((s) => rank.indexOf(s));
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
  assert.equal(asc[0], 0);
  // The keyboard reaches the same button: Enter sorts the other way.
  await head.focus();
  await page.keyboard.press("Enter");
  const desc = (await columnStates(page, "linux/arm64"))
    .map((s) => rank.indexOf(s));
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
  assert.equal(rank[desc[0]], "unknown");
});

check("filtering by text", async (page) => {
  await page.fill("[data-filter-text]", "portable-");
  assert.deepEqual((await visibleNames(page)).sort(),
    ["registry.example/e2e/portable-a:1.0",
     "registry.example/e2e/portable-b:1.0"]);
  assert.equal(await page.locator("[data-count]").innerText(),
    "Showing 2 of 17 images");
  await page.fill("[data-filter-text]", "");
});

check("filtering by state on one platform", async (page) => {
  await page.selectOption("[data-filter-state]", "blocked");
  await page.selectOption("[data-filter-col]", "linux/arm64");
  const names = await visibleNames(page);
  assert.deepEqual(names.sort(), [
    "registry.example/e2e/legacy2:0.3",
    "registry.example/e2e/legacy:0.1",
    "registry.example/e2e/winonly:1.0"]);
  const states = await page.evaluate(() => Array.from(
    document.querySelectorAll("table[data-matrix] tbody tr"))
    .filter((r) => !r.hidden)
    .map((r) => r.querySelector('td[data-col="linux/arm64"]').dataset.state));
  assert.ok(states.every((s) => s === "blocked"));
  // Used images are never blocked: that table says so, and counts none.
  const usedNote = page.locator("#used ~ p[data-no-match]").first();
  assert.ok(await usedNote.isVisible());
  assert.equal(await page.locator("#used .count").innerText(), "0 of 7");
  assert.equal(await page.locator("#built ~ p[data-no-match]").first()
    .isVisible(), false);
  await page.selectOption("[data-filter-state]", "");
  await page.selectOption("[data-filter-col]", "");
  assert.equal(await page.locator("[data-count]").innerText(), "17 images");
});

check("desktop screenshot", async (page) => {
  await page.screenshot({ path: path.join(shots, "index-desktop.png"),
    fullPage: true });
});

check("opening an image page", async (page) => {
  await page.click('table[data-matrix] a:has-text("agnhost:2.47")');
  await page.waitForURL(/\/images\/registry\.example-e2e-agnhost-2\.47-/);
  assert.match(await page.locator("h1").innerText(), /agnhost:2\.47/);
  const ref = page.locator('ul.refs a').first();
  assert.match(await ref.getAttribute("href"),
    /^https:\/\/github\.com\/example\/images\/blob\/0123456789abcdef[0-9a-f]+\/test\/e2e\/manifests\/pod0\.yaml#L12$/);
  const row = page.locator('tr:has(th:has-text("windows/amd64/ltsc2022"))')
    .first();
  assert.match(await row.innerText(), /declared/);
  const win = page.locator('tr:has(th a:text-is("windows/amd64"))');
  assert.match(await win.innerText(), /10\.0\.17763\.5329/);
  await page.screenshot({ path: path.join(shots, "image-desktop.png"),
    fullPage: true });
});

check("platform page lists ports in priority order", async (page, base) => {
  await page.goto(`${base}/platforms/linux-arm64.html`);
  const heads = await page.locator(".groups > li h3").allInnerTexts();
  assert.match(heads[0], /portable now/);
  assert.match(heads[1], /declared, not published/);
  assert.match(heads[2], /Porting docker\.io\/library\/debian-amd64-only:1 unblocks 2/);
  const first = await page.locator(".groups > li").first()
    .locator("ol.images li").allInnerTexts();
  assert.match(first[0], /portable-b/);
});

check("trend page draws the chart", async (page, base) => {
  await page.goto(`${base}/trend.html`);
  assert.equal(await page.locator("svg.chart g.series").count(), 5);
  assert.equal(await page.locator("table.runs tbody tr").count(), 2);
  await page.screenshot({ path: path.join(shots, "trend-desktop.png"),
    fullPage: true });
});

check("phone screenshots", async (page, base) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/index.html`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 392, `page is ${width}px wide on a phone`);
  await page.screenshot({ path: path.join(shots, "index-phone.png"),
    fullPage: true });
  await page.goto(`${base}/platforms/linux-arm64.html`);
  await page.screenshot({ path: path.join(shots, "platform-phone.png"),
    fullPage: true });
  // An image page's platform table is read without scrolling sideways:
  // every value of every platform (state, why, base, digest) fits.
  await page.goto(`${base}/index.html`);
  await page.click('table[data-matrix] a:has-text("legacy:0.1")');
  const rights = await page.evaluate(() => Array.from(
    document.querySelectorAll("table.stack td[data-label]"))
    .filter((td) => td.textContent.trim() !== "")
    .map((td) => td.getBoundingClientRect().right));
  assert.ok(rights.length > 0, "no platform values on the image page");
  assert.ok(rights.every((r) => r <= 390),
    `a platform value ends at ${Math.max(...rights)}px on a 390px screen`);
  await page.screenshot({ path: path.join(shots, "image-phone.png"),
    fullPage: true });
});

console.log(`screenshots in ${shots}`);
await runChecks(site, checks);
