// The archlint playground: the linter runs in this page as WebAssembly (built by
// build.sh from the Rust library); nothing is sent anywhere. Lints as you type,
// lists the findings with line:col, bands the lines they point at, draws the diagram
// and shows the selected finding's rule page.
"use strict";

(async function () {
  const $ = (id) => document.getElementById(id);
  const LINE = 18; // px, as in style.css
  const DEBOUNCE_MS = 200;
  const source = $("source");
  const status = $("status");

  let bytes;
  try {
    const b64 = window.ARCHLINT_WASM;
    const bin = atob(b64);
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    await wasm_bindgen({ module_or_path: bytes });
  } catch (e) {
    status.textContent = "could not start archlint: " + e;
    status.className = "errors";
    throw e;
  }
  const api = wasm_bindgen;
  $("version").textContent = "archlint " + api.version() + " (WebAssembly, offline)";

  const gallery = JSON.parse(api.gallery());
  const picker = $("example");
  for (const ex of gallery) {
    const o = document.createElement("option");
    o.value = ex.name;
    o.textContent = ex.name;
    picker.appendChild(o);
  }
  const today = new Date().toISOString().slice(0, 10);

  let findings = [];
  let selected = -1;
  let fileName = "playground.arch.yaml";
  let timer = 0;

  const SEV_RANK = { error: 3, warning: 2, info: 1 };

  function lineStarts(text) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
    return starts;
  }

  function componentOf(path) {
    const m = /^components\.([^.[]+)/.exec(path || "");
    return m ? m[1] : null;
  }

  // the last text that parsed, and its findings: shown (shifted by the edits since,
  // marked as from that text) while the text does not parse
  let lastValid = null;

  // Where a line of `oldText` is in `newText`: lines before the first changed line
  // stay, lines after the last changed one move by the number of lines added or
  // removed, and lines inside the change go to its first line.
  function shiftLines(oldText, newText) {
    const a = oldText.split("\n");
    const b = newText.split("\n");
    let p = 0;
    while (p < a.length && p < b.length && a[p] === b[p]) p++;
    let s = 0;
    while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
    const delta = b.length - a.length;
    return (line) => {
      if (line <= p) return line;
      if (line > a.length - s) return line + delta;
      return Math.min(p + 1, b.length);
    };
  }

  function lint() {
    timer = 0;
    const text = source.value;
    const res = JSON.parse(api.lint(fileName, text, today));
    findings = res.report.diagnostics;
    selected = -1;
    const s = res.report.summary;
    const errors = findings.filter((d) => d.rule === "invalid-input").length;
    if (!res.linted) {
      // a syntax error: its errors, then the last findings that parsed, moved with the text
      if (lastValid) {
        const at = shiftLines(lastValid.text, text);
        const kept = lastValid.findings.map((d) => {
          const line = at(d.line);
          return Object.assign({}, d, {
            line,
            end_line: Math.max(line, at(d.end_line)),
            stale: true,
            related: (d.related || []).map((r) => Object.assign({}, r, { line: at(r.line) })),
          });
        });
        findings = findings.concat(kept);
      }
      status.textContent =
        `syntax error: ${plural(errors, "problem")} to fix` +
        (lastValid ? "; the other findings are from the last text that parsed" : "");
      status.className = "errors";
      $("diagram").classList.add("stale");
    } else {
      lastValid = { text, findings: findings.filter((d) => d.rule !== "invalid-input") };
      const parts = [];
      if (errors) parts.push(plural(errors, "input error"));
      const found = { error: s.errors - errors, warning: s.warnings, info: s.infos };
      if (found.error) parts.push(plural(found.error, "error"));
      if (found.warning) parts.push(plural(found.warning, "warning"));
      if (found.info) parts.push(plural(found.info, "info"));
      status.textContent =
        (parts.length ? parts.join(", ") : "no findings") +
        (errors ? " (what the parts with input errors would cause is held back until they are fixed)" : "");
      status.className = s.errors ? "errors" : s.warnings ? "warnings" : "clean";
      $("diagram").innerHTML = res.svg;
      $("diagram").classList.remove("stale");
      fitDiagram();
      for (const g of $("diagram").querySelectorAll("g[id^='component-']")) {
        g.style.cursor = "pointer";
        g.addEventListener("click", () => {
          const id = g.id.slice("component-".length);
          const i = findings.findIndex((d) => componentOf(d.path) === id);
          if (i >= 0) select(i, true);
        });
      }
    }
    renderFindings();
    renderBands(text);
  }

  // fit the diagram to the pane, but never below 55% of its size (labels stay
  // readable; a wide design scrolls instead)
  function fitDiagram() {
    const svg = $("diagram").querySelector("svg");
    if (!svg) return;
    const natural = svg.width.baseVal.value;
    const pane = $("diagram").clientWidth;
    if (!natural || !pane) return;
    svg.style.width = Math.min(natural, Math.max(pane, natural * 0.55)) + "px";
  }
  window.addEventListener("resize", fitDiagram);

  function plural(n, noun) {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
  }

  function renderFindings() {
    const list = $("findings");
    list.textContent = "";
    findings.forEach((d, i) => {
      const li = document.createElement("li");
      li.className =
        `finding ${d.severity}` +
        (d.rule === "invalid-input" ? " input-error" : "") +
        (d.stale ? " stale" : "");
      if (d.stale) li.title = "from the last text that parsed";
      li.dataset.rule = d.rule;
      li.dataset.line = d.line;
      li.dataset.column = d.column;
      const loc = document.createElement("span");
      loc.className = "loc";
      loc.textContent = `${d.line}:${d.column}`;
      const sev = document.createElement("span");
      sev.className = "sev";
      sev.textContent = `${d.severity}[${d.rule}]`;
      const msg = document.createElement("span");
      msg.className = "message";
      msg.textContent = d.message;
      li.append(loc, " ", sev, " ", msg);
      if (d.stale) {
        const note = document.createElement("span");
        note.className = "stale-note";
        note.textContent = " (from the last text that parsed)";
        li.appendChild(note);
      }
      if (d.help) {
        const help = document.createElement("div");
        help.className = "help";
        help.textContent = "help: " + d.help;
        li.appendChild(help);
      }
      li.addEventListener("click", () => select(i, true));
      list.appendChild(li);
    });
    if (!findings.length) {
      const li = document.createElement("li");
      li.className = "none";
      li.textContent = "No findings: archlint has nothing to say about this design.";
      list.appendChild(li);
    }
  }

  // one band per line, coloured by the worst finding that covers it
  function renderBands(text) {
    const n = lineStarts(text).length;
    const worst = new Array(n + 1).fill(0);
    findings.forEach((d) => {
      const r = SEV_RANK[d.severity] || 1;
      for (let l = d.line; l <= Math.max(d.line, d.end_line) && l <= n; l++) worst[l] = Math.max(worst[l], r);
    });
    const names = ["", "info", "warning", "error"];
    const back = document.createDocumentFragment();
    const gutter = [];
    for (let l = 1; l <= n; l++) {
      const div = document.createElement("div");
      div.dataset.line = l;
      if (worst[l]) div.className = names[worst[l]];
      back.appendChild(div);
      gutter.push(worst[l] ? `<span class="mark-${names[worst[l]]}">${l}</span>` : String(l));
    }
    $("backdrop").textContent = "";
    $("backdrop").appendChild(back);
    $("gutter").innerHTML = gutter.join("\n");
    syncScroll();
  }

  function select(i, moveCaret) {
    selected = i;
    const d = findings[i];
    document.querySelectorAll(".finding.selected").forEach((e) => e.classList.remove("selected"));
    const li = $("findings").children[i];
    li.classList.add("selected");
    li.scrollIntoView({ block: "nearest" });
    document.querySelectorAll("#backdrop .selected").forEach((e) => e.classList.remove("selected"));
    const bands = $("backdrop").children;
    for (let l = d.line; l <= Math.max(d.line, d.end_line); l++) {
      if (bands[l - 1]) bands[l - 1].classList.add("selected");
    }
    if (moveCaret) {
      const starts = lineStarts(source.value);
      const at = (starts[d.line - 1] || 0) + d.column - 1;
      source.focus({ preventScroll: true });
      source.setSelectionRange(at, at);
      source.scrollTop = Math.max(0, (d.line - 1) * LINE - source.clientHeight / 3);
    }
    showRule(d.rule);
    document.querySelectorAll("#diagram g.focus").forEach((g) => g.classList.remove("focus"));
    const id = componentOf(d.path);
    if (id) {
      const g = document.getElementById("component-" + id);
      if (g) {
        g.classList.add("focus");
        g.scrollIntoView({ block: "nearest", inline: "nearest" });
      }
    }
  }

  function showRule(rule) {
    const html = api.rule_page(rule);
    const art = $("rule");
    art.innerHTML = html || "";
    art.dataset.rule = rule;
  }

  function syncScroll() {
    $("backdrop").style.transform = `translateY(${-source.scrollTop}px)`;
    $("gutter").scrollTop = source.scrollTop;
  }

  function load(name) {
    const ex = gallery.find((e) => e.name === name);
    if (!ex) return;
    picker.value = name;
    fileName = name + ".arch.yaml";
    source.value = ex.text;
    source.scrollTop = 0;
    lint();
  }

  source.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lint, DEBOUNCE_MS);
  });
  source.addEventListener("scroll", syncScroll);
  picker.addEventListener("change", () => {
    try {
      history.replaceState(null, "", "#" + encodeURIComponent(picker.value));
    } catch (_) {
      // some file:// pages may not change their address; the example loads anyway
    }
    load(picker.value);
  });

  const wanted = decodeURIComponent(location.hash.slice(1));
  load(gallery.some((e) => e.name === wanted) ? wanted : gallery.some((e) => e.name === "url-shortener") ? "url-shortener" : gallery[0].name);
  document.body.dataset.ready = "true";
})();
