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

// console errors and warnings, page errors and any request off the page's own files
function watch(page, problems) {
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) {
      problems.push("network request: " + r.url());
    }
  });
}

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
  watch(page, problems);

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

  // ---- a fresh page: it opens on a design with findings and a first prompt ----
  const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch(fresh, problems);
  await fresh.goto(pathToFileURL(page_path).href);
  await fresh.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  const opening = await fresh.$$eval("#findings .finding", (ls) => ls.length);
  check(opening > 5, "opens on a design with findings: " + opening);
  const promptText = await fresh.textContent("#prompt");
  check(/Select one/.test(promptText) && /Take the course/.test(promptText), "a first prompt: " + promptText);

  // related locations: the chain's hops numbered in the editor and on the diagram
  await fresh.click('#findings .finding[data-rule="sync-chain-too-long"]');
  const hops = await fresh.$$eval("#gutter .hop", (bs) => bs.map((b) => b.textContent));
  check(JSON.stringify(hops) === JSON.stringify(["1", "2", "3", "4"]), "the four hops numbered in the gutter: " + hops);
  const relatedList = await fresh.$$eval(".finding.selected ol.related li", (ls) => ls.map((l) => l.textContent));
  check(relatedList.length === 4 && /hop 1/.test(relatedList[0]), "the hops listed in order under the finding: " + relatedList);
  const drawnHops = await fresh.$$eval("#diagram path.call.hop", (ps) => ps.map((p) => p.dataset.from + ">" + p.dataset.to));
  check(drawnHops.length === 4, "the four calls emphasised on the diagram: " + drawnHops);
  const badges = await fresh.$$eval("#diagram .badge text", (ts) => ts.map((t) => t.textContent));
  check(JSON.stringify(badges) === JSON.stringify(["1", "2", "3", "4"]), "numbered in order on the diagram: " + badges);
  // the writers of a shared store
  await fresh.click('#findings .finding[data-rule="shared-database"]');
  const writers = await fresh.$$eval("#diagram g.related", (gs) => gs.map((g) => g.id));
  const writerCalls = await fresh.$$eval("#diagram path.call.hop", (ps) => ps.length);
  check(writers.length + writerCalls >= 2, "the writers of the shared store shown: " + writers + " " + writerCalls);
  await fresh.screenshot({ path: join(shots, "playground-related-1280.png") });

  // labels at least 11 px at the zoom shown, and after Fit
  const labelPx = () =>
    fresh.$eval("#diagram svg", (svg) => {
      const scale = svg.getBoundingClientRect().width / Number(svg.dataset.natural);
      const sizes = [...svg.querySelectorAll("g[id^='component-'] text")].map((t) => Number(t.getAttribute("font-size")));
      return Math.min(...sizes) * scale;
    });
  check((await labelPx()) >= 10.99, "diagram labels at least 11 px: " + (await labelPx()));
  await fresh.click("#zoom-out");
  await fresh.click("#zoom-out");
  check((await labelPx()) >= 10.99, "zooming out stops at 11 px labels: " + (await labelPx()));
  await fresh.click("#zoom-in");
  await fresh.click("#zoom-fit");

  // a quick fix with a click: the same edit as --fix
  const before = await fresh.$eval("#source", (t) => t.value);
  const fixButton = await fresh.$('#findings .finding[data-rule="retry-without-backoff"] button.fix');
  check(fixButton, "retry-without-backoff offers its fix");
  await fixButton.click();
  await fresh.waitForFunction(() => !document.querySelector('#findings .finding[data-rule="retry-without-backoff"]'));
  const after = await fresh.$eval("#source", (t) => t.value);
  check(after !== before && /backoff: exponential/.test(after) && /jitter: true/.test(after), "the fix edited the design");

  // settings: the trade-off rules, and the design at 10x
  const count = () => fresh.$$eval("#findings .finding", (ls) => ls.length);
  const n0 = await count();
  await fresh.click("#settings summary");
  await fresh.check("#tradeoffs");
  await fresh.waitForFunction((n) => document.querySelectorAll("#findings .finding").length > n, n0);
  check(await fresh.$('#findings .finding[data-rule="undocumented-choice"]'), "the trade-off rules run when asked");
  await fresh.selectOption("#at", "10x");
  await fresh.waitForSelector("#findings .finding .projected");
  await fresh.click("#tab-estimate");
  const est = await fresh.textContent("#estimate");
  check(/Capacity estimate/.test(est) && /At 10×/.test(est), "the estimate with the 10× column: " + est.slice(0, 120));

  // "new since your last edit": drop a timeout, and its finding is marked new
  const src2 = await fresh.$eval("#source", (t) => t.value);
  const to = src2.indexOf("timeout: 2s");
  check(to > 0, "shop has a 2s timeout");
  await fresh.click("#settings summary"); // close the settings
  await fresh.$eval("#source", (t, [a, b]) => { t.focus(); t.setSelectionRange(a, b); }, [to, to + "timeout: 2s".length]);
  await fresh.keyboard.type("description: x", { delay: 5 });
  await fresh.waitForSelector("#findings .finding.new", { timeout: 10000 });
  const newOnes = await fresh.$$eval("#findings .finding.new", (ls) => ls.map((l) => l.dataset.rule));
  check(newOnes.includes("sync-call-without-timeout"), "the new finding is marked: " + newOnes);

  // Tab indents in the editor instead of leaving it
  await fresh.$eval("#source", (t) => t.setSelectionRange(0, 0));
  await fresh.focus("#source");
  await fresh.keyboard.press("Tab");
  const tabbed = await fresh.$eval("#source", (t) => ({ v: t.value.slice(0, 4), focused: document.activeElement === t }));
  check(tabbed.v.startsWith("  ") && tabbed.focused, "Tab indents and stays: " + JSON.stringify(tabbed));
  await fresh.keyboard.press("Shift+Tab");

  // share: the link reopened in a new page gives the same design, settings and findings
  await fresh.click("#share");
  await fresh.waitForFunction(() => document.querySelector("#share-link").value.includes("#s="));
  const link = await fresh.$eval("#share-link", (i) => i.value);
  const mine = await fresh.$$eval("#findings .finding", (ls) => ls.map((l) => `${l.dataset.line}:${l.dataset.column} ${l.dataset.rule}`));
  const mineText = await fresh.$eval("#source", (t) => t.value);
  const other = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch(other, problems);
  await other.goto(link);
  await other.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  const theirs = await other.$$eval("#findings .finding", (ls) => ls.map((l) => `${l.dataset.line}:${l.dataset.column} ${l.dataset.rule}`));
  const theirText = await other.$eval("#source", (t) => t.value);
  check(theirText === mineText, "the shared link carries the design");
  check(JSON.stringify(theirs) === JSON.stringify(mine), `the shared link gives the same findings:\n${theirs}\n${mine}`);
  check((await other.$eval("#at", (s) => s.value)) === "10x" && (await other.$eval("#tradeoffs", (c) => c.checked)), "and the settings");
  await other.close();

  // ---- the course: exercise 4 completed by typing its fix ----
  const learner = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch(learner, problems);
  await learner.goto(pathToFileURL(page_path).href);
  await learner.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  await learner.selectOption("#exercise", "4");
  await learner.waitForSelector("#goals li");
  const goalsBefore = await learner.$$eval("#goals li", (ls) => ls.map((l) => l.className));
  check(goalsBefore[0] === "unmet" && goalsBefore.slice(1).every((c) => c === "met"), "the chain goal is open: " + goalsBefore);
  await learner.click("#hint");
  check(/Hint 1/.test(await learner.textContent("#hints")), "a hint is revealed");
  const replaceText = async (from, to) => {
    const v = await learner.$eval("#source", (t) => t.value);
    const a = v.indexOf(from);
    check(a >= 0, "the exercise has: " + from);
    await learner.$eval("#source", (t, [x, y]) => { t.focus(); t.setSelectionRange(x, y); }, [a, a + from.length]);
    await learner.keyboard.insertText(to);
  };
  await replaceText("calls: [{ to: fraud, timeout: 200ms }]", "calls: [fraud-checks]\n  fraud-checks: { kind: queue, tech: sqs }");
  await replaceText("  fraud:\n    kind: service", "  fraud:\n    kind: worker\n    consumes: [{ from: fraud-checks, idempotent: true }]");
  await learner.waitForSelector("#course-pane[data-done=true]", { timeout: 10000 });
  const goalsAfter = await learner.$$eval("#goals li", (ls) => ls.map((l) => l.className));
  check(goalsAfter.every((c) => c === "met"), "every goal ticked: " + goalsAfter);
  await learner.screenshot({ path: join(shots, "playground-course-1280.png") });
  // the progress is kept: a reload shows exercise 4 done
  await learner.reload();
  await learner.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  const marked = await learner.$eval('#exercise option[value="4"]', (o) => o.textContent);
  check(marked.startsWith("✓"), "progress kept in the browser: " + marked);
  await learner.close();

  // ---- a phone: 390 px wide, one column, nothing wider than the screen ----
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  watch(phone, problems);
  await phone.goto(pathToFileURL(page_path).href);
  await phone.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
  check(overflow <= 391, "nothing wider than a 390 px screen: " + overflow);
  const columns = await phone.evaluate(() => {
    const e = document.querySelector("#editor-pane").getBoundingClientRect();
    const s = document.querySelector("#side").getBoundingClientRect();
    return { editorBottom: e.bottom, sideTop: s.top, editorWidth: e.width };
  });
  check(columns.sideTop >= columns.editorBottom - 1 && columns.editorWidth >= 380, "one column on a phone: " + JSON.stringify(columns));
  await phone.screenshot({ path: join(shots, "playground-390.png"), fullPage: true });
  await phone.close();
  await fresh.close();

  check(problems.length === 0, "no console errors or network requests:\n" + problems.join("\n"));
  console.log(JSON.stringify({ ok: true, findings: shown.length, typo: typo.loc, hops, badges, share: link.length }));
} finally {
  await browser.close();
}
