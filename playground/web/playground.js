// The archlint playground: the linter runs in this page as WebAssembly (built by
// build.sh from the Rust library); nothing is sent anywhere. Lints as you type, lists
// the findings with their related places (a chain's hops numbered, the writers of a
// shared store, the factors of an availability), bands those lines, draws the diagram
// (fit, zoom, drag to pan), applies the safe fixes with a click, shows the estimate
// and the rule's page; settings and the design travel in a share link; the course
// grades exercises as you type, progress kept in this browser.
"use strict";

(async function () {
  const $ = (id) => document.getElementById(id);
  const LINE = 18; // px, as in style.css
  const DEBOUNCE_MS = 150;
  const MIN_LABEL_PX = 11; // the smallest label of the diagram is drawn at 11 px
  const source = $("source");
  const status = $("status");

  try {
    const bin = atob(window.ARCHLINT_WASM);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    await wasm_bindgen({ module_or_path: bytes });
  } catch (e) {
    status.textContent = "could not start archlint: " + e;
    status.className = "errors";
    throw e;
  }
  const api = wasm_bindgen;
  $("version").textContent = "archlint " + api.version() + " (WebAssembly, offline)";
  const today = new Date().toISOString().slice(0, 10);
  const gallery = JSON.parse(api.gallery());
  const course = JSON.parse(api.course());

  // ---- state ----
  let findings = [];
  let fixes = [];
  let edges = {};
  let selected = -1;
  let fileName = "playground.arch.yaml";
  let timer = 0;
  let lastValid = null; // {text, findings}: kept through a syntax error
  let previous = null; // fingerprints before the last edit: "new" markers
  let exercise = null; // the course exercise open, or null
  let zoom = 1;

  // ---- progress kept in this browser ----
  const STORE = "archlint-course";
  function progress() {
    try {
      return JSON.parse(localStorage.getItem(STORE)) || { done: [], hints: {}, drafts: {} };
    } catch (_) {
      return { done: [], hints: {}, drafts: {} };
    }
  }
  function saveProgress(p) {
    try {
      localStorage.setItem(STORE, JSON.stringify(p));
    } catch (_) {
      // a browser without storage: the course works, progress is not kept
    }
  }

  // ---- settings ----
  function settings() {
    const s = {};
    if ($("tradeoffs").checked) s.select = ["all"];
    const ignore = $("ignore").value.split(",").map((x) => x.trim()).filter(Boolean);
    if (ignore.length) s.ignore = ignore;
    if ($("at").value) s.at = $("at").value;
    return s;
  }
  function applySettings(s) {
    $("tradeoffs").checked = !!(s && s.select && s.select.includes("all"));
    $("ignore").value = (s && s.ignore || []).join(", ");
    $("at").value = (s && s.at) || "";
  }
  for (const id of ["tradeoffs", "ignore", "at"]) $(id).addEventListener("change", () => lint());

  // ---- pickers ----
  for (const ex of gallery) {
    const o = document.createElement("option");
    o.value = ex.name;
    o.textContent = ex.name;
    $("example").appendChild(o);
  }
  function fillCourse() {
    const done = new Set(progress().done);
    const picker = $("exercise");
    const keep = picker.value;
    picker.textContent = "";
    const none = document.createElement("option");
    none.value = "";
    none.textContent = `${done.size} of ${course.length} done`;
    picker.appendChild(none);
    let step = null;
    let group = null;
    for (const e of course) {
      if (e.step !== step) {
        step = e.step;
        group = document.createElement("optgroup");
        group.label = step;
        picker.appendChild(group);
      }
      const o = document.createElement("option");
      o.value = String(e.n);
      o.textContent = `${done.has(e.n) ? "✓" : "  "} ${e.n}. ${e.title}`;
      group.appendChild(o);
    }
    picker.value = keep;
  }
  fillCourse();

  // ---- helpers ----
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
  function edgeOf(path) {
    const m = /^components\.[^[]+\.(calls|consumes)\[\d+\]/.exec(path || "");
    return m ? edges[m[0]] : null;
  }
  function plural(n, noun) {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
  }
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

  // ---- lint ----
  function lint(edited) {
    clearTimeout(timer);
    timer = 0;
    const text = source.value;
    const res = JSON.parse(api.lint(fileName, text, today, JSON.stringify(settings())));
    $("settings-error").textContent = res.settings_error || "";
    findings = res.report.diagnostics;
    fixes = res.fixes || [];
    edges = res.edges || {};
    const rule = $("rule").dataset.rule;
    selected = -1;
    const s = res.report.summary;
    const errors = findings.filter((d) => d.rule === "invalid-input").length;
    if (!res.linted) {
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
      const fresh = findings.filter((d) => d.rule !== "invalid-input");
      // new since the last edit: findings whose fingerprint the text before it lacked
      const before = edited && previous ? previous : null;
      for (const d of fresh) d.isNew = !!(before && !before.has(d.fingerprint));
      previous = new Set(fresh.map((d) => d.fingerprint));
      lastValid = { text, findings: fresh };
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
      drawDiagram(res.svg);
      $("estimate").textContent = res.estimate || "";
    }
    renderFindings();
    renderBands(text);
    // the rule pane follows the findings: a page no finding is about any more goes
    if (rule && !findings.some((d) => d.rule === rule)) {
      $("rule").textContent = "Select a finding to read its rule's page.";
      delete $("rule").dataset.rule;
    }
    if (exercise) gradeExercise(text);
  }

  // ---- the diagram: fit, zoom, drag to pan; labels never under 11 px ----
  function drawDiagram(svgText) {
    const box = $("diagram");
    box.innerHTML = svgText || "";
    box.classList.remove("stale");
    const svg = box.querySelector("svg");
    if (!svg) return;
    svg.dataset.natural = svg.width.baseVal.value;
    for (const g of svg.querySelectorAll("g[id^='component-']")) {
      g.style.cursor = "pointer";
      g.addEventListener("click", () => {
        const id = g.id.slice("component-".length);
        const i = findings.findIndex((d) => componentOf(d.path) === id);
        if (i >= 0) select(i, true);
      });
    }
    setZoom(zoom);
  }
  function smallestLabel(svg) {
    let min = Infinity;
    for (const t of svg.querySelectorAll("text")) {
      const f = Number(t.getAttribute("font-size"));
      if (f) min = Math.min(min, f);
    }
    return min === Infinity ? 13 : min;
  }
  function minZoom() {
    const svg = $("diagram").querySelector("svg");
    return svg ? MIN_LABEL_PX / smallestLabel(svg) : 1;
  }
  function setZoom(z) {
    const svg = $("diagram").querySelector("svg");
    zoom = Math.max(minZoom(), Math.min(3, z));
    if (svg) svg.style.width = Number(svg.dataset.natural) * zoom + "px";
  }
  function fit() {
    const svg = $("diagram").querySelector("svg");
    if (!svg) return;
    const pane = $("diagram").clientWidth - 2;
    setZoom(Math.min(1.5, pane / Number(svg.dataset.natural)));
  }
  $("zoom-in").addEventListener("click", () => setZoom(zoom * 1.25));
  $("zoom-out").addEventListener("click", () => setZoom(zoom / 1.25));
  $("zoom-fit").addEventListener("click", fit);
  (function pan() {
    const box = $("diagram");
    let from = null;
    box.addEventListener("pointerdown", (e) => {
      if (e.target.closest("g[id^='component-']")) return;
      from = { x: e.clientX, y: e.clientY, left: box.scrollLeft, top: box.scrollTop };
      box.classList.add("panning");
      box.setPointerCapture(e.pointerId);
    });
    box.addEventListener("pointermove", (e) => {
      if (!from) return;
      box.scrollLeft = from.left - (e.clientX - from.x);
      box.scrollTop = from.top - (e.clientY - from.y);
    });
    const stop = () => {
      from = null;
      box.classList.remove("panning");
    };
    box.addEventListener("pointerup", stop);
    box.addEventListener("pointercancel", stop);
    box.addEventListener("wheel", (e) => {
      if (!e.ctrlKey) return; // a plain wheel scrolls the page
      e.preventDefault();
      setZoom(zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
    }, { passive: false });
  })();

  // ---- findings ----
  function fixOf(d) {
    return fixes.find((f) => f.rule === d.rule && f.path === d.path);
  }
  function renderFindings() {
    const list = $("findings");
    list.textContent = "";
    findings.forEach((d, i) => {
      const li = document.createElement("li");
      li.className =
        `finding ${d.severity}` +
        (d.rule === "invalid-input" ? " input-error" : "") +
        (d.stale ? " stale" : "") +
        (d.isNew ? " new" : "");
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
      const mark = (tag, cls, text, title) => {
        const e = document.createElement(tag);
        e.className = cls;
        e.textContent = text;
        if (title) e.title = title;
        li.appendChild(e);
      };
      if (d.isNew) mark("span", "new-mark", "new", "new since your last edit");
      if (d.projected) mark("span", "projected", "at " + d.projected);
      if (d.stale) mark("span", "stale-note", " (from the last text that parsed)");
      if (d.help) mark("div", "help", "help: " + d.help);
      const fix = !d.stale && fixOf(d);
      if (fix && !fix.skipped) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "fix";
        b.textContent = "Fix: " + fix.title;
        b.addEventListener("click", (e) => {
          e.stopPropagation();
          applyFix(fix.rule, fix.path);
        });
        li.appendChild(b);
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
    $("fix-all").hidden = !fixes.some((f) => !f.skipped);
  }
  function applyFix(rule, path) {
    const before = source.value;
    const after = api.apply_fix(fileName, before, today, JSON.stringify(settings()), rule, path);
    if (after === before) return;
    source.value = after;
    lint(true);
  }
  $("fix-all").addEventListener("click", () => applyFix("", ""));

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
    for (let l = 1; l <= n; l++) {
      const div = document.createElement("div");
      div.dataset.line = l;
      if (worst[l]) div.className = names[worst[l]];
      back.appendChild(div);
    }
    $("backdrop").textContent = "";
    $("backdrop").appendChild(back);
    renderGutter(n, worst, {});
    syncScroll();
  }
  function renderGutter(n, worst, hops) {
    const names = ["", "info", "warning", "error"];
    const out = [];
    for (let l = 1; l <= n; l++) {
      const badge = hops[l] ? `<span class="hop">${hops[l]}</span>` : "";
      out.push(badge + (worst[l] ? `<span class="mark-${names[worst[l]]}">${l}</span>` : String(l)));
    }
    $("gutter").innerHTML = out.join("\n");
  }

  // The places of a finding in order: its related locations (hops, writers, factors),
  // then the finding itself, numbered from 1.
  function places(d) {
    const rel = (d.related || []).map((r) => ({ line: r.line, column: r.column, path: r.path, message: r.message }));
    return rel.concat([{ line: d.line, column: d.column, path: d.path, message: d.message, primary: true }]);
  }

  function select(i, moveCaret) {
    selected = i;
    const d = findings[i];
    document.querySelectorAll(".finding.selected").forEach((e) => {
      e.classList.remove("selected");
      const ol = e.querySelector("ol.related");
      if (ol) ol.remove();
    });
    const li = $("findings").children[i];
    li.classList.add("selected");
    const steps = places(d);
    // the related places under the finding, numbered in order, each a link
    if (steps.length > 1) {
      const ol = document.createElement("ol");
      ol.className = "related";
      for (const p of steps) {
        const item = document.createElement("li");
        const loc = document.createElement("span");
        loc.className = "loc";
        loc.textContent = `${p.line}:${p.column}`;
        item.append(loc, p.primary ? "this finding" : p.message);
        item.addEventListener("click", (e) => {
          e.stopPropagation();
          caretTo(p.line, p.column);
        });
        ol.appendChild(item);
      }
      li.appendChild(ol);
    }
    li.scrollIntoView({ block: "nearest" });
    // the editor: the finding's lines selected, its related lines banded and numbered
    const bands = $("backdrop").children;
    for (const b of bands) b.classList.remove("selected", "related");
    const hops = {};
    if (steps.length > 1) {
      steps.forEach((p, k) => {
        if (bands[p.line - 1]) bands[p.line - 1].classList.add("related");
        hops[p.line] = hops[p.line] ? hops[p.line] + "," + (k + 1) : String(k + 1);
      });
    }
    for (let l = d.line; l <= Math.max(d.line, d.end_line); l++) {
      if (bands[l - 1]) bands[l - 1].classList.add("selected");
    }
    const worst = [0];
    for (const b of bands) worst.push({ info: 1, warning: 2, error: 3 }[b.classList[0]] || 0);
    renderGutter(bands.length, worst, hops);
    syncScroll();
    if (moveCaret) caretTo(d.line, d.column);
    showRule(d.rule);
    highlightDiagram(steps);
  }

  function caretTo(line, column) {
    const starts = lineStarts(source.value);
    const at = (starts[line - 1] || 0) + column - 1;
    source.focus({ preventScroll: true });
    source.setSelectionRange(at, at);
    source.scrollTop = Math.max(0, (line - 1) * LINE - source.clientHeight / 3);
    syncScroll();
  }

  // the diagram: the finding's components and calls emphasised, numbered in order
  function highlightDiagram(steps) {
    const svg = $("diagram").querySelector("svg");
    if (!svg) return;
    svg.querySelectorAll(".focus, .related, .hop").forEach((x) => x.classList.remove("focus", "related", "hop"));
    svg.querySelectorAll(".badge").forEach((x) => x.remove());
    const NS = "http://www.w3.org/2000/svg";
    const badge = (x, y, label) => {
      const g = document.createElementNS(NS, "g");
      g.setAttribute("class", "badge");
      const c = document.createElementNS(NS, "circle");
      c.setAttribute("cx", x);
      c.setAttribute("cy", y);
      c.setAttribute("r", 10);
      const t = document.createElementNS(NS, "text");
      t.setAttribute("x", x);
      t.setAttribute("y", y + 4);
      t.setAttribute("text-anchor", "middle");
      t.setAttribute("font-size", "12");
      t.textContent = label;
      g.append(c, t);
      svg.appendChild(g);
    };
    let first = null;
    steps.forEach((p, k) => {
      const edge = edgeOf(p.path);
      const label = steps.length > 1 ? String(k + 1) : null;
      if (edge) {
        const path = svg.querySelector(`path.call[data-from="${CSS.escape(edge[0])}"][data-to="${CSS.escape(edge[1])}"]`);
        if (path) {
          path.classList.add("hop");
          if (label) {
            const mid = path.getPointAtLength(path.getTotalLength() / 2);
            badge(mid.x, mid.y, label);
          }
          first = first || path;
          return;
        }
      }
      const id = componentOf(p.path);
      const g = id && document.getElementById("component-" + id);
      if (g) {
        g.classList.add(p.primary ? "focus" : "related");
        if (label) {
          const b = g.getBBox();
          badge(b.x + 4, b.y + 4, label);
        }
        first = first || g;
      }
    });
    if (first) first.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function showRule(rule) {
    const art = $("rule");
    art.innerHTML = api.rule_page(rule) || "";
    art.dataset.rule = rule;
    tab("rule");
  }
  function tab(which) {
    $("tab-rule").setAttribute("aria-selected", which === "rule");
    $("tab-estimate").setAttribute("aria-selected", which === "estimate");
    $("rule").hidden = which !== "rule";
    $("estimate").hidden = which !== "estimate";
  }
  $("tab-rule").addEventListener("click", () => tab("rule"));
  $("tab-estimate").addEventListener("click", () => tab("estimate"));

  function syncScroll() {
    $("backdrop").style.transform = `translateY(${-source.scrollTop}px)`;
    $("gutter").scrollTop = source.scrollTop;
  }

  // ---- the editor keeps YAML's indentation: Tab, Shift-Tab, Enter ----
  let escaped = false;
  source.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      escaped = true; // the next Tab leaves the editor
      return;
    }
    if (e.key === "Tab" && !escaped) {
      e.preventDefault();
      const v = source.value;
      const s = source.selectionStart;
      const t = source.selectionEnd;
      const lineStart = v.lastIndexOf("\n", s - 1) + 1;
      if (s === t && !e.shiftKey) {
        edit(s, t, "  ", s + 2);
        return;
      }
      // indent or dedent every line of the selection
      const block = v.slice(lineStart, t);
      const lines = block.split("\n");
      const changed = lines.map((l) => (e.shiftKey ? l.replace(/^ {1,2}/, "") : "  " + l)).join("\n");
      edit(lineStart, t, changed, null);
      source.setSelectionRange(lineStart, lineStart + changed.length);
      return;
    }
    escaped = false;
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      const v = source.value;
      const s = source.selectionStart;
      const lineStart = v.lastIndexOf("\n", s - 1) + 1;
      const line = v.slice(lineStart, s);
      let indent = /^\s*/.exec(line)[0];
      if (/:\s*$/.test(line)) indent += "  ";
      else if (/^\s*- /.test(line) && !/^\s*-\s*$/.test(line)) indent = indent + "  ";
      edit(s, source.selectionEnd, "\n" + indent, s + 1 + indent.length);
    }
  });
  // replace a range like typing would (the browser's undo keeps working)
  function edit(from, to, text, caret) {
    source.setSelectionRange(from, to);
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      source.setRangeText(text, from, to, "end");
      source.dispatchEvent(new Event("input"));
    }
    if (caret !== null) source.setSelectionRange(caret, caret);
  }
  source.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => lint(true), DEBOUNCE_MS);
    if (exercise) {
      const p = progress();
      p.drafts[exercise.n] = source.value;
      saveProgress(p);
    }
  });
  source.addEventListener("scroll", syncScroll);

  // ---- the course ----
  function openExercise(n, fresh) {
    const e = course.find((x) => x.n === n);
    if (!e) return;
    exercise = e;
    $("exercise").value = String(n);
    $("example").value = "";
    fileName = `exercise-${n}.arch.yaml`;
    const p = progress();
    source.value = !fresh && p.drafts[n] ? p.drafts[n] : e.design;
    $("course-pane").hidden = false;
    $("course-title").textContent = `Exercise ${e.n} of ${course.length}: ${e.title}`;
    $("course-task").textContent = e.task;
    $("hints").textContent = "";
    const shown = p.hints[n] || 0;
    for (let k = 0; k < shown; k++) showHint(e, k);
    $("prompt").textContent = `${e.step}. Edit the design until every goal is ticked; findings and goals update as you type.`;
    setHash("course=" + n);
    source.scrollTop = 0;
    previous = null;
    lint(false);
  }
  function showHint(e, k) {
    const h = e.hints[k];
    if (!h) return;
    const el = document.createElement(h.includes("\n") ? "pre" : "p");
    el.textContent = (h.includes("\n") ? "" : `Hint ${k + 1}: `) + h;
    $("hints").appendChild(el);
  }
  function gradeExercise(text) {
    const g = JSON.parse(api.grade(exercise.n, text, today));
    const list = $("goals");
    list.textContent = "";
    if (g.input_error) {
      const li = document.createElement("li");
      li.className = "unmet";
      li.textContent = "fix the input errors first; then the goals can be checked";
      list.appendChild(li);
    }
    for (const goal of g.goals) {
      const li = document.createElement("li");
      li.className = goal.met ? "met" : "unmet";
      li.textContent = goal.text;
      for (const w of goal.why) {
        const why = document.createElement("span");
        why.className = "why";
        why.textContent = w;
        li.appendChild(why);
      }
      list.appendChild(li);
    }
    $("course-pane").classList.toggle("done", g.done);
    $("course-pane").dataset.done = g.done;
    const p = progress();
    if (g.done && !p.done.includes(exercise.n)) {
      p.done.push(exercise.n);
      saveProgress(p);
      fillCourse();
    }
    $("progress").textContent = `${p.done.length} of ${course.length} done`;
    $("next").hidden = exercise.n >= course.length;
  }
  $("exercise").addEventListener("change", () => {
    const n = Number($("exercise").value);
    if (n) openExercise(n, false);
  });
  $("hint").addEventListener("click", () => {
    const p = progress();
    const k = p.hints[exercise.n] || 0;
    if (k >= exercise.hints.length) {
      $("prompt").textContent = "No more hints: “Show a solution” shows one way to reason about it.";
      return;
    }
    showHint(exercise, k);
    p.hints[exercise.n] = k + 1;
    saveProgress(p);
  });
  $("solution").addEventListener("click", () => {
    source.value = exercise.solution;
    lint(true);
  });
  $("restart").addEventListener("click", () => openExercise(exercise.n, true));
  $("next").addEventListener("click", () => openExercise(exercise.n + 1, false));

  // ---- examples ----
  function loadExample(name, text) {
    const ex = gallery.find((e) => e.name === name);
    exercise = null;
    $("course-pane").hidden = true;
    $("exercise").value = "";
    $("example").value = ex ? name : "";
    fileName = (ex ? name : "shared") + ".arch.yaml";
    source.value = text !== undefined ? text : ex ? ex.text : "";
    source.scrollTop = 0;
    previous = null;
    lint(false);
  }
  $("example").addEventListener("change", () => {
    const name = $("example").value;
    if (!name) return;
    setHash(encodeURIComponent(name));
    loadExample(name);
    prompt();
  });

  // ---- share links: the design and settings, compressed, in the address ----
  async function pack(obj) {
    const data = new TextEncoder().encode(JSON.stringify(obj));
    const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("deflate-raw"));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  async function unpack(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return JSON.parse(await new Response(stream).text());
  }
  function setHash(h) {
    try {
      history.replaceState(null, "", "#" + h);
    } catch (_) {
      // some file:// pages may not change their address
    }
  }
  $("share").addEventListener("click", async () => {
    const packed = await pack({ t: source.value, s: settings(), n: exercise ? exercise.n : null, f: fileName });
    setHash("s=" + packed);
    const link = location.href.split("#")[0] + "#s=" + packed;
    $("share-link").value = link;
    $("share-box").hidden = false;
    $("share-link").select();
    try {
      await navigator.clipboard.writeText(link);
    } catch (_) {
      // no clipboard here (a file:// page): the link is selected to copy by hand
    }
  });
  $("share-close").addEventListener("click", () => ($("share-box").hidden = true));

  // ---- the first prompt ----
  function prompt() {
    const n = findings.filter((d) => d.rule !== "invalid-input").length;
    const p = $("prompt");
    p.textContent = n
      ? `This design has ${plural(n, "finding")}. Select one to see where it is, the places involved, and why it hurts. `
      : "Type or paste a design on the left; archlint lints it as you type. ";
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = `Take the course: ${course.length} exercises`;
    b.addEventListener("click", () => {
      const done = new Set(progress().done);
      const next = course.find((e) => !done.has(e.n)) || course[0];
      openExercise(next.n, false);
    });
    p.appendChild(b);
  }

  // ---- start: a share link, an exercise, an example; else shop, which has findings ----
  const hash = location.hash.slice(1);
  let started = false;
  if (hash.startsWith("s=")) {
    try {
      const shared = await unpack(hash.slice(2));
      applySettings(shared.s || {});
      if (shared.n && course.some((e) => e.n === shared.n)) {
        openExercise(shared.n, false);
        source.value = shared.t;
        lint(false);
      } else {
        loadExample(null, shared.t);
        fileName = shared.f || fileName;
        prompt();
      }
      started = true;
    } catch (e) {
      $("prompt").textContent = "This share link could not be read: " + e.message;
    }
  } else if (hash.startsWith("course=")) {
    const n = Number(hash.slice(7));
    if (course.some((e) => e.n === n)) {
      openExercise(n, false);
      started = true;
    }
  }
  if (!started) {
    const wanted = decodeURIComponent(hash);
    loadExample(gallery.some((e) => e.name === wanted) ? wanted : "shop");
    if (!$("prompt").textContent) prompt();
  }
  fit();
  window.addEventListener("resize", () => {
    if (zoom < minZoom()) fit();
  });
  document.body.dataset.ready = "true";
})();
