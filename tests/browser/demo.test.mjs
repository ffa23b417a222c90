// SPDX-License-Identifier: MIT
// The demo site, as `scripts/demo` makes it (run_demo.sh builds it with the
// real CLI against a real registry), read in a browser the way a
// maintainer reads it.
//
//   node demo.test.mjs SITE SCREENSHOTS
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { columnStates, runChecks, visibleNames } from "./harness.mjs";

const [site, shots] = process.argv.slice(2);
if (!site || !shots) {
  console.error("usage: node demo.test.mjs SITE SCREENSHOTS");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const e2e = "registry.k8s.io/e2e-test-images/";
const checks = [];
function check(name, fn) { checks.push([name, fn]); }

function cell(page, image, platform) {
  return page.locator(`tr:has(th[data-value="${e2e}${image}"]) ` +
    `td[data-col="${platform}"]`);
}

check("the cells a maintainer looks for", async (page) => {
  const want = [
    ["agnhost:2.47", "linux/arm64", "published"],
    ["agnhost:2.47", "windows/amd64/1809", "published"],
    ["agnhost:2.47", "windows/amd64/ltsc2022", "declared"],
    ["echoserver:2.5", "linux/arm64", "portable"],
    ["kitten:1.1", "linux/amd64", "declared"],
    ["busybox:1.36.1-1", "linux/s390x", "declared"],
    ["node-perf/npb-ep:1.2", "linux/arm64", "blocked"],
  ];
  for (const [image, platform, state] of want) {
    const c = cell(page, image, platform);
    assert.equal(await c.getAttribute("data-state"), state,
      `${image} on ${platform}`);
    assert.match(await c.innerText(), new RegExp(state));
  }
  assert.match(await cell(page, "node-perf/npb-ep:1.2", "linux/arm64")
    .innerText(), /npb-base/);
});

check("sorting by linux/arm64", async (page) => {
  const rank = ["published", "declared", "portable", "blocked", "missing",
    "unknown", "unused"];
  await page.locator("table[data-matrix] >> nth=0")
    .locator('th[data-col="linux/arm64"] button').click();
  const states = (await columnStates(page, "linux/arm64"))
    .map((s) => rank.indexOf(s));
  assert.deepEqual(states, [...states].sort((a, b) => a - b));
});

check("filtering by text and by state", async (page) => {
  await page.fill("[data-filter-text]", "node-perf");
  assert.deepEqual((await visibleNames(page)).sort(), [
    `${e2e}node-perf/npb-base:1.0`, `${e2e}node-perf/npb-ep:1.2`]);
  await page.fill("[data-filter-text]", "");
  await page.selectOption("[data-filter-state]", "blocked");
  await page.selectOption("[data-filter-col]", "linux/arm64");
  assert.deepEqual(await visibleNames(page), [`${e2e}node-perf/npb-ep:1.2`]);
  await page.selectOption("[data-filter-state]", "");
  await page.selectOption("[data-filter-col]", "");
  await page.screenshot({ path: path.join(shots, "demo-desktop.png"),
    fullPage: true });
});

check("an image page shows platforms and Windows builds", async (page) => {
  await page.click('table[data-matrix] a:has-text("agnhost:2.47")');
  await page.waitForURL(/\/images\/.*agnhost-2\.47/);
  assert.match(await page.locator("h1").innerText(), /agnhost:2\.47/);
  assert.match(await page.locator("main").innerText(), /10\.0\.17763\.5329/);
  assert.match(await page.locator("main").innerText(),
    /test\/images\/kitten\/BASEIMAGE:1/);
});

check("on a phone", async (page, base) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/index.html`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 392, `page is ${width}px wide on a phone`);
  await page.screenshot({ path: path.join(shots, "demo-phone.png"),
    fullPage: true });
});

console.log(`screenshots in ${shots}`);
await runChecks(site, checks);
