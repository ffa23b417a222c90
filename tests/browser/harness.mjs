// SPDX-License-Identifier: MIT
// What the browser tests share: serve a site folder on a free loopback port
// with /usr/bin/python3's http.server, drive Debian's chromium headless
// through playwright-core, run named checks, and exit 0 only when every
// check passed and the pages logged no errors.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, deadline) {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not answer`);
}

// The states of one platform column of the first matrix, visible rows only.
export async function columnStates(page, platform) {
  return page.evaluate((p) => {
    const table = document.querySelector("table[data-matrix]");
    return Array.from(table.tBodies[0].rows)
      .filter((r) => !r.hidden)
      .map((r) => r.querySelector(`td[data-col="${p}"]`).dataset.state);
  }, platform);
}

// The image names of the visible rows of every matrix.
export async function visibleNames(page) {
  return page.evaluate(() => Array.from(
    document.querySelectorAll("table[data-matrix] tbody tr"))
    .filter((r) => !r.hidden)
    .map((r) => r.querySelector("th").dataset.value));
}

// Serve `site`, open index.html, run each [name, fn(page, base)] in order.
export async function runChecks(site, checks) {
  const port = await freePort();
  const server = spawn("/usr/bin/python3",
    ["-m", "http.server", String(port), "--bind", "127.0.0.1",
     "--directory", site], { stdio: "ignore" });
  const profile = mkdtempSync(path.join(os.tmpdir(), "am-chromium-"));
  const base = `http://127.0.0.1:${port}`;
  const errors = [];
  let context = null;
  let failed = false;

  try {
    await waitForServer(`${base}/index.html`, Date.now() + 10000);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"],
      viewport: { width: 1280, height: 900 },
    });
    const page = context.pages()[0] || await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${base}/index.html`);
    for (const [name, fn] of checks) {
      try {
        await fn(page, base);
        console.log(`ok - ${name}`);
      } catch (e) {
        failed = true;
        console.log(`not ok - ${name}\n  ` +
          String(e.message).split("\n").join("\n  "));
      }
    }
    if (errors.length) {
      failed = true;
      console.log(`not ok - console errors:\n  ${errors.join("\n  ")}`);
    }
  } catch (e) {
    failed = true;
    console.log(`not ok - ${e.message}`);
  } finally {
    if (context) await context.close();
    server.kill("SIGTERM");
    rmSync(profile, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}
