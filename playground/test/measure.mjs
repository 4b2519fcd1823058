// Page weight and time to first findings of the built playground, in headless
// Chromium from file://: the median of N cold loads (a new page each).
//   node test/measure.mjs [N]
import { chromium } from "playwright-core";
import { statSync, readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const runs = Number(process.argv[2] || 7);
let bytes = 0;
const files = {};
for (const f of readdirSync(dist)) {
  const n = statSync(join(dist, f)).size;
  files[f] = n;
  bytes += n;
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const times = [];
for (let i = 0; i < runs; i++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const t0 = Date.now();
  await page.goto(pathToFileURL(join(dist, "index.html")).href);
  await page.waitForSelector("#findings .finding, #findings .none", { timeout: 30000 });
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  times.push(Date.now() - t0);
  await page.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(JSON.stringify({ bytes, files, first_findings_ms: times, median_ms: times[times.length >> 1] }));
