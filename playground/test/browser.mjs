// Drives the built playground in headless Chromium, as a student would: open it from
// file://, choose `shop`, read its findings; type a typo and read the located input
// error. tests/playground.rs runs this with:
//   PLAYGROUND  the built page (playground/dist/index.html)
//   EXPECTED    `archlint check --format json` of examples/shop.arch.yaml
//   SCREENSHOTS a folder for the screenshots
//   CHROMIUM    the browser (default /usr/bin/chromium)
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const page_path = process.env.PLAYGROUND;
const expected = JSON.parse(readFileSync(process.env.EXPECTED, "utf8")).diagnostics;
const shots = process.env.SCREENSHOTS;
mkdirSync(shots, { recursive: true });

function check(cond, what) {
  if (!cond) throw new Error("playground: " + what);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) problems.push("network request: " + r.url());
  });

  await page.goto(pathToFileURL(page_path).href);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });

  // the gallery offers every example; choose shop
  const options = await page.$$eval("#example option", (os) => os.map((o) => o.value));
  check(options.includes("shop") && options.length >= 10, "gallery lists the examples: " + options);
  await page.selectOption("#example", "shop");
  await page.waitForFunction(() => document.querySelector("#source").value.includes("name: shop"));
  const shown = await page.$$eval("#findings .finding", (ls) =>
    ls.map((l) => `${l.dataset.line}:${l.dataset.column} ${l.dataset.rule}`),
  );
  const want = expected.map((d) => `${d.line}:${d.column} ${d.rule}`);
  check(want.length > 0, "shop has findings on the command line");
  check(
    JSON.stringify(shown) === JSON.stringify(want),
    `shop's findings match \`archlint check\`:\n  page: ${shown.join(", ")}\n  cli:  ${want.join(", ")}`,
  );
  const firstText = await page.textContent("#findings .finding");
  check(firstText.includes(expected[0].message), "a finding shows its message: " + firstText);

  // the lines findings point at are banded, worst severity
  for (const d of expected) {
    const cls = await page.getAttribute(`#backdrop div[data-line="${d.line}"]`, "class");
    check(cls && /error|warning|info/.test(cls), `line ${d.line} is highlighted for ${d.rule}`);
  }

  // the diagram: every component drawn, coloured by findings
  const groups = await page.$$eval("#diagram svg g[id^='component-']", (gs) => gs.length);
  check(groups >= 5, "the diagram draws shop's components: " + groups);

  // select the first finding: the caret moves to it and its rule's page is shown
  await page.click("#findings .finding");
  const rule = await page.getAttribute("#rule", "data-rule");
  check(rule === expected[0].rule, "the rule page follows the selected finding");
  const ruleText = await page.textContent("#rule");
  check(/Example that fires/i.test(ruleText), "the rule page has its example: " + ruleText.slice(0, 200));
  const caret = await page.$eval("#source", (t) => t.selectionStart);
  const text = await page.$eval("#source", (t) => t.value);
  const caretLine = text.slice(0, caret).split("\n").length;
  check(caretLine === expected[0].line, `caret on line ${expected[0].line}, is on ${caretLine}`);
  await page.screenshot({ path: join(shots, "playground-shop.png") });

  // type a typo: `kind: service` -> `kind: servce` on the first service
  const at = text.indexOf("kind: service");
  check(at >= 0, "shop has a service");
  const line = text.slice(0, at).split("\n").length;
  const column = at - text.lastIndexOf("\n", at - 1) + "kind: ".length;
  await page.focus("#source");
  await page.$eval("#source", (t, [s, e]) => t.setSelectionRange(s, e), [at + "kind: ".length, at + "kind: service".length]);
  await page.keyboard.type("servce", { delay: 20 });
  await page.waitForSelector("#findings .finding.input-error", { timeout: 10000 });
  const errors = await page.$$eval("#findings .finding.input-error", (ls) =>
    ls.map((l) => ({ loc: l.querySelector(".loc").textContent, text: l.textContent })),
  );
  const typo = errors.find((e) => e.text.includes("servce"));
  check(typo, "an input error names the typo: " + JSON.stringify(errors));
  check(typo.loc === `${line}:${column}`, `the error is at ${line}:${column}, shown at ${typo.loc}`);
  check(/did you mean `service`/.test(typo.text), "the error suggests `service`: " + typo.text);
  const status = await page.textContent("#status");
  check(/input error/.test(status), "the status says input error: " + status);
  // the typo does not hide the rest of the design's findings
  const rest = await page.$$eval("#findings .finding:not(.input-error)", (ls) => ls.length);
  check(rest > 0, "findings on the rest of the design stay through the typo");
  await page.screenshot({ path: join(shots, "playground-typo.png") });

  // fix it again: the findings come back
  await page.$eval("#source", (t, [s, e]) => { t.setSelectionRange(s, e); }, [at + "kind: ".length, at + "kind: servce".length]);
  await page.keyboard.type("service", { delay: 10 });
  await page.waitForFunction((n) => document.querySelectorAll("#findings .finding:not(.input-error)").length === n, want.length, { timeout: 10000 });

  // a syntax error on a new first line: the last findings stay, one line down, marked
  await page.$eval("#source", (t) => t.setSelectionRange(0, 0));
  await page.keyboard.type("x: [\n", { delay: 10 });
  await page.waitForSelector("#findings .finding.stale", { timeout: 10000 });
  const stale = await page.$$eval("#findings .finding.stale", (ls) =>
    ls.map((l) => ({ line: Number(l.dataset.line), rule: l.dataset.rule, text: l.textContent })),
  );
  check(stale.length === want.length, `all ${want.length} findings kept through the syntax error: ${stale.length}`);
  check(stale[0].line === expected[0].line + 1, `shifted by the new line: ${stale[0].line} for ${expected[0].line}`);
  check(/last text that parsed/.test(stale[0].text), "marked as from the last valid text: " + stale[0].text);
  const syntax = await page.textContent("#status");
  check(/syntax error/.test(syntax), "the status says syntax error: " + syntax);
  await page.screenshot({ path: join(shots, "playground-syntax.png") });
  await page.keyboard.press("Backspace");
  for (let i = 0; i < 4; i++) await page.keyboard.press("Backspace");
  await page.waitForFunction((n) => document.querySelectorAll("#findings .finding:not(.stale)").length === n, want.length, { timeout: 10000 });

  check(problems.length === 0, "no console errors or network requests:\n" + problems.join("\n"));
  console.log(JSON.stringify({ ok: true, findings: shown.length, typo: typo.loc }));
} finally {
  await browser.close();
}
