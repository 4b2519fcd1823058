//! `archlint server`: a Language Server (LSP 3.17, stdio) for architecture files.
//!
//! Transport is the `lsp-server` crate (rust-analyzer's: synchronous, a channel of
//! messages, no async runtime to carry); the handful of message shapes archlint answers
//! are built with `serde_json`, so every field sent is visible here.
//!
//! - diagnostics with ranges, codes, rule-page links and related locations, published
//!   on open and change; changes arriving within [`DEBOUNCE`] are linted once;
//!   `.archlint.yaml` is read again for every lint, so editing it takes effect at once;
//! - hover on a component id (kind, tech, replicas, estimated peak load, findings) and
//!   on a rule id (its summary);
//! - go-to-definition from any mention of a component (`to:`, `from:`, `caches:`,
//!   `store:`, journey steps, short-form calls) or of an entity (`to:` in relationships);
//! - completion of keys by position, of enum values, and of component ids;
//! - code actions for the safe fixes of [`archlint_linter::fix`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, Response};
use serde_json::{Value, json};

use archlint_core::diag::{Diagnostic, Severity};
use archlint_core::model::fields::{self, FieldDef, FieldType};
use archlint_core::model::{Architecture, Date, Kind};
use archlint_core::source::SourceFile;

/// Changes arriving within this time of each other are linted once.
pub const DEBOUNCE: Duration = Duration::from_millis(40);

/// Run the server on stdin/stdout until the client says `exit`.
/// Run the server on stdin/stdout until the client says `exit`. `today` gives the date
/// `allow ... until:` entries are compared with; it is asked at every lint, so a
/// session that runs past midnight sees the new day.
pub fn run_stdio(today: fn() -> Date) -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    let caps = json!({
        "textDocumentSync": { "openClose": true, "change": 1, "save": { "includeText": false } },
        "hoverProvider": true,
        "definitionProvider": true,
        "completionProvider": { "triggerCharacters": [":", " ", "[", ","] },
        "codeActionProvider": { "codeActionKinds": ["quickfix"] },
    });
    let init = json!({
        "capabilities": caps,
        "serverInfo": { "name": "archlint", "version": env!("CARGO_PKG_VERSION") },
    });
    let (id, _params) = connection
        .initialize_start()
        .map_err(|e| format!("initialize failed: {e}"))?;
    connection
        .initialize_finish(id, init)
        .map_err(|e| format!("initialize failed: {e}"))?;
    let mut server = Server {
        today,
        docs: HashMap::new(),
        dirty: Vec::new(),
    };
    server.main_loop(&connection)?;
    drop(connection);
    io.join().map_err(|e| format!("io threads: {e}"))?;
    Ok(())
}

struct Server {
    today: fn() -> Date,
    /// uri -> text
    docs: HashMap<String, String>,
    /// uris to lint once the messages stop for [`DEBOUNCE`]
    dirty: Vec<String>,
}

impl Server {
    fn main_loop(&mut self, c: &Connection) -> Result<(), String> {
        loop {
            let msg = if self.dirty.is_empty() {
                match c.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                }
            } else {
                match c.receiver.recv_timeout(DEBOUNCE) {
                    Ok(m) => m,
                    Err(e) if e.is_timeout() => {
                        self.publish_dirty(c);
                        continue;
                    }
                    Err(_) => return Ok(()),
                }
            };
            match msg {
                Message::Request(req) => {
                    if c.handle_shutdown(&req).map_err(|e| e.to_string())? {
                        return Ok(());
                    }
                    // answer about the latest text
                    self.publish_dirty(c);
                    let resp = self.request(&req);
                    let _ = c.sender.send(Message::Response(resp));
                }
                Message::Notification(n) => self.notification(&n),
                Message::Response(_) => {}
            }
        }
    }

    fn notification(&mut self, n: &Notification) {
        let p = &n.params;
        let uri = p["textDocument"]["uri"].as_str().unwrap_or("").to_string();
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let text = p["textDocument"]["text"].as_str().unwrap_or("").to_string();
                self.docs.insert(uri.clone(), text);
                self.mark(uri);
            }
            "textDocument/didChange" => {
                // full sync: the last change holds the whole text
                if let Some(t) = p["contentChanges"]
                    .as_array()
                    .and_then(|a| a.last())
                    .and_then(|c| c["text"].as_str())
                {
                    self.docs.insert(uri.clone(), t.to_string());
                    self.mark(uri);
                }
            }
            "textDocument/didSave" => self.mark(uri),
            "textDocument/didClose" => {
                self.docs.remove(&uri);
            }
            "workspace/didChangeWatchedFiles" | "workspace/didChangeConfiguration" => {
                // `.archlint.yaml` changed: lint every open document again
                let all: Vec<String> = self.docs.keys().cloned().collect();
                for u in all {
                    self.mark(u);
                }
            }
            _ => {}
        }
    }

    fn mark(&mut self, uri: String) {
        if !uri.is_empty() && !self.dirty.contains(&uri) {
            self.dirty.push(uri);
        }
    }

    fn publish_dirty(&mut self, c: &Connection) {
        for uri in std::mem::take(&mut self.dirty) {
            let Some(text) = self.docs.get(&uri) else {
                continue;
            };
            let diags = lsp_diagnostics(&uri, text, (self.today)());
            let n = Notification::new(
                "textDocument/publishDiagnostics".into(),
                json!({ "uri": uri, "diagnostics": diags }),
            );
            let _ = c.sender.send(Message::Notification(n));
        }
    }

    fn request(&self, req: &Request) -> Response {
        let p = &req.params;
        let uri = p["textDocument"]["uri"].as_str().unwrap_or("");
        let Some(text) = self.docs.get(uri) else {
            return Response::new_ok(req.id.clone(), Value::Null);
        };
        let pos = (
            p["position"]["line"].as_u64().unwrap_or(0) as usize,
            p["position"]["character"].as_u64().unwrap_or(0) as usize,
        );
        let result = match req.method.as_str() {
            "textDocument/hover" => hover(uri, text, pos, (self.today)()),
            "textDocument/definition" => definition(uri, text, pos),
            "textDocument/completion" => completion(uri, text, pos),
            "textDocument/codeAction" => code_actions(uri, text, &p["range"], (self.today)()),
            _ => {
                return Response::new_err(
                    req.id.clone(),
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("archlint does not handle `{}`", req.method),
                );
            }
        };
        Response::new_ok(req.id.clone(), result)
    }
}

// ---- documents ----------------------------------------------------------------------

/// The file a `file://` URI names (percent-decoded).
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// The configuration for a document: `.archlint.yaml` found from its directory, read
/// afresh (so edits to it apply on the next lint).
fn config_for(uri: &str) -> Result<archlint_linter::config::Config, String> {
    match uri_to_path(uri)
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .and_then(|d| archlint_linter::config::discover(&d))
    {
        None => Ok(archlint_linter::config::Config::default()),
        Some(p) => archlint_linter::config::load(&p).map_err(|r| {
            let first = r.diagnostics.first().map_or(String::new(), |d| {
                let at = archlint_outputs::locate(&r.source, d);
                format!("{}:{}: {}", r.source.name, at.line, d.message)
            });
            format!("the configuration has errors ({first}); the built-in defaults are used")
        }),
    }
}

/// The settings a document is linted with: its configuration's, on `today`.
fn settings_for(uri: &str, today: Date) -> Result<archlint_linter::rules::Settings, String> {
    let mut s = config_for(uri)?.settings(None, None)?;
    s.today = Some(today);
    Ok(s)
}

struct Linted {
    src: SourceFile,
    diags: Vec<Diagnostic>,
    config_error: Option<String>,
}

fn lint(uri: &str, text: &str, today: Date) -> Linted {
    let name = uri_to_path(uri).map_or(uri.to_string(), |p| p.display().to_string());
    let (settings, config_error) = match settings_for(uri, today) {
        Ok(s) => (s, None),
        Err(e) => (
            archlint_linter::rules::Settings {
                today: Some(today),
                ..Default::default()
            },
            Some(e),
        ),
    };
    let r = archlint_linter::lint_source(SourceFile::new(name, text), &settings);
    Linted {
        src: r.source,
        diags: r.diagnostics,
        config_error,
    }
}

// ---- positions (LSP counts UTF-16 code units) -----------------------------------------

fn position(src: &SourceFile, byte: usize) -> Value {
    let byte = byte.min(src.text.len());
    let (ls, _) = src.line_bounds(byte);
    let mut b = byte;
    while !src.text.is_char_boundary(b) {
        b -= 1;
    }
    let character: usize = src.text[ls..b].chars().map(char::len_utf16).sum();
    json!({ "line": src.line_of(byte) - 1, "character": character })
}

fn range(src: &SourceFile, span: archlint_core::source::Span) -> Value {
    json!({ "start": position(src, span.start()), "end": position(src, span.end().max(span.start())) })
}

/// The byte offset of an LSP position.
fn offset(src: &SourceFile, line: usize, character: usize) -> usize {
    let start = src.offset_of(line + 1, 0).min(src.text.len());
    let (_, le) = src.line_bounds(start);
    let mut units = 0;
    for (i, ch) in src.text[start..le].char_indices() {
        if units >= character {
            return start + i;
        }
        units += ch.len_utf16();
    }
    le
}

fn lsp_severity(s: Severity) -> u8 {
    match s {
        Severity::Error => 1,
        Severity::Warning => 2,
        Severity::Info => 3,
    }
}

/// The document's findings as LSP diagnostics.
pub fn lsp_diagnostics(uri: &str, text: &str, today: Date) -> Vec<Value> {
    let l = lint(uri, text, today);
    let mut out: Vec<Value> = l
        .diags
        .iter()
        .map(|d| {
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            let mut v = json!({
                "range": range(&l.src, d.span),
                "severity": lsp_severity(d.severity),
                "code": d.rule,
                "source": "archlint",
                "message": message,
                "relatedInformation": d.related.iter().map(|r| json!({
                    "location": { "uri": uri, "range": range(&l.src, r.span) },
                    "message": r.message,
                })).collect::<Vec<_>>(),
                "data": { "fingerprint": d.fingerprint },
            });
            if let Some(u) = archlint_outputs::page_url(&d.rule) {
                v["codeDescription"] = json!({ "href": u });
            }
            v
        })
        .collect();
    if let Some(e) = l.config_error {
        out.push(json!({
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "severity": 2,
            "code": "invalid-input",
            "source": "archlint",
            "message": e,
        }));
    }
    out
}

// ---- hover, definition --------------------------------------------------------------

/// The word (id characters) under a position, with its byte range.
fn word_at(src: &SourceFile, at: usize) -> Option<(String, usize, usize)> {
    let text = src.text.as_str();
    let is_id = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut s = at.min(text.len());
    while s > 0 {
        let prev = text[..s].chars().next_back()?;
        if !is_id(prev) {
            break;
        }
        s -= prev.len_utf8();
    }
    let mut e = at.min(text.len());
    while e < text.len() {
        let c = text[e..].chars().next()?;
        if !is_id(c) {
            break;
        }
        e += c.len_utf8();
    }
    let w = text[s..e].trim_end_matches('.');
    (!w.is_empty()).then(|| (w.to_string(), s, s + w.len()))
}

fn analysed(src: &SourceFile, uri: &str) -> Option<archlint_linter::graph::Analysis> {
    let cfg = config_for(uri).unwrap_or_default();
    let mut ids = archlint_linter::rules::ids();
    ids.extend(cfg.custom.iter().map(|c| c.meta.id.as_str()));
    archlint_linter::analyse_for(src, Default::default(), &ids).ok()
}

fn hover(uri: &str, text: &str, (line, ch): (usize, usize), today: Date) -> Value {
    let l = lint(uri, text, today);
    let at = offset(&l.src, line, ch);
    let Some((w, s, e)) = word_at(&l.src, at) else {
        return Value::Null;
    };
    let reply = |md: String| {
        json!({
            "contents": { "kind": "markdown", "value": md },
            "range": range(&l.src, archlint_core::source::Span::new(s, e)),
        })
    };
    let settings = settings_for(uri, today).unwrap_or_default();
    if let Some(m) = settings.meta(&w) {
        return reply(format!(
            "**{}** ({}, {}): {}",
            m.id,
            m.category,
            m.severity.as_str(),
            m.summary
        ));
    }
    let Some(a) = analysed(&l.src, uri) else {
        return Value::Null;
    };
    let m = &a.model;
    let Some(&i) = m.index.get(&w) else {
        return Value::Null;
    };
    let c = &m.components[i];
    let mut md = format!("**{}** — {}", c.id, c.kind());
    if let Some(t) = c.tech() {
        md.push_str(&format!(" ({t})"));
    }
    md.push_str(&format!("\n\nreplicas: {}", c.replicas()));
    let est = archlint_linter::estimate::estimate(m, &a.graph);
    if let Some(x) = est.components.iter().find(|x| x.component == c.id) {
        md.push_str(&format!(
            "\n\nestimated peak load: {} rps",
            archlint_core::model::quantity::fmt_count(x.peak_rps)
        ));
        if let Some(u) = x.utilisation {
            md.push_str(&format!(
                " ({}% of capacity)",
                archlint_core::model::quantity::trim_num(u * 100.0)
            ));
        }
    }
    let mine: Vec<&Diagnostic> = l
        .diags
        .iter()
        .filter(|d| m.component_at(&d.path) == Some(i))
        .collect();
    if mine.is_empty() {
        md.push_str("\n\nno findings");
    } else {
        md.push_str("\n\nfindings:");
        for d in mine {
            md.push_str(&format!("\n- `{}`: {}", d.rule, d.message));
        }
    }
    reply(md)
}

fn definition(uri: &str, text: &str, (line, ch): (usize, usize)) -> Value {
    let src = SourceFile::new(uri, text);
    let at = offset(&src, line, ch);
    let Some((w, s, _)) = word_at(&src, at) else {
        return Value::Null;
    };
    let Some(a) = analysed(&src, uri) else {
        return Value::Null;
    };
    let m = &a.model;
    let target = m
        .index
        .get(&w)
        .map(|&i| m.components[i].span)
        .or_else(|| m.entities.iter().find(|e| e.name == w).map(|e| e.span));
    match target {
        // on the definition itself: nowhere to go
        Some(t) if t.start() != s => json!({ "uri": uri, "range": range(&src, t) }),
        _ => Value::Null,
    }
}

// ---- completion ---------------------------------------------------------------------

fn item(label: &str, kind: u8, detail: &str) -> Value {
    json!({ "label": label, "kind": kind, "detail": detail })
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The chain of block keys above a line, innermost first (`["calls", "api",
/// "components"]`), from indentation.
fn parents(lines: &[&str], line: usize, indent: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut want = indent;
    for l in lines[..line].iter().rev() {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = indent_of(l);
        if ind < want {
            let key = t
                .trim_start_matches("- ")
                .split(':')
                .next()
                .unwrap_or("")
                .trim();
            if t.starts_with("- ") && ind + 2 >= want {
                // an item of a list: the list's key is further up
                want = ind;
                continue;
            }
            out.push(key.to_string());
            want = ind;
            if ind == 0 {
                break;
            }
        }
    }
    out
}

fn key_items(defs: &[FieldDef]) -> Vec<Value> {
    defs.iter().map(|d| item(d.name, 10, d.doc)).collect()
}

fn enum_values(key: &str) -> Option<Vec<&'static str>> {
    if key == "kind" {
        return Some(Kind::NAMES.to_vec());
    }
    let tables: [&[FieldDef]; 9] = [
        fields::TOP,
        fields::REQUIREMENTS,
        fields::COMPONENT,
        fields::CALL,
        fields::CONSUME,
        fields::RETRY,
        fields::RELATIONSHIP,
        fields::ENTITY_PATTERN,
        fields::OPERATIONS,
    ];
    tables.iter().flat_map(|t| t.iter()).find_map(|d| {
        (d.name == key).then_some(())?;
        match d.ty {
            FieldType::Enum(v) | FieldType::EnumList(v) => Some(v.to_vec()),
            FieldType::BoolOr(v) => Some([&["true", "false"][..], v].concat()),
            FieldType::Bool => Some(vec!["true", "false"]),
            _ => None,
        }
    })
}

fn completion(uri: &str, text: &str, (line, ch): (usize, usize)) -> Value {
    let src = SourceFile::new(uri, text);
    let at = offset(&src, line, ch);
    let (ls, _) = src.line_bounds(at);
    let prefix = &src.text[ls..at];
    let ids = || -> Vec<Value> {
        // ids from the last version that parsed, else from `components:` keys by indentation
        match analysed(&src, uri) {
            Some(a) => a
                .model
                .components
                .iter()
                .map(|c| item(&c.id, 6, c.kind().as_str()))
                .collect(),
            None => component_ids_by_layout(text)
                .into_iter()
                .map(|id| item(&id, 6, "component"))
                .collect(),
        }
    };
    // a value after `key:` (block or flow)
    let last_key = prefix
        .rsplit(['{', ',', '\n'])
        .next()
        .and_then(|seg| seg.split_once(':'))
        .map(|(k, _)| k.trim().trim_start_matches("- ").trim().to_string());
    if let Some(k) = &last_key {
        if matches!(k.as_str(), "to" | "from" | "caches" | "store") {
            return json!(ids());
        }
        if matches!(k.as_str(), "calls" | "consumes" | "steps") && prefix.contains('[') {
            return json!(ids());
        }
        if let Some(vals) = enum_values(k) {
            return json!(vals.iter().map(|v| item(v, 12, k)).collect::<Vec<_>>());
        }
        return json!([]);
    }
    // a key: by position
    let lines: Vec<&str> = src.text.lines().collect();
    let indent = indent_of(prefix);
    let chain = parents(&lines, line.min(lines.len()), indent.max(1));
    let in_list_item = prefix.trim_start().starts_with("- ");
    let items = match chain
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] if indent == 0 => key_items(fields::TOP),
        ["requirements", ..] => key_items(fields::REQUIREMENTS),
        ["scale", "requirements", ..] => key_items(fields::SCALE),
        ["latency", "requirements", ..] => key_items(fields::LATENCY),
        ["operations", "requirements", ..] => key_items(fields::OPERATIONS),
        ["calls", _, "components", ..] => key_items(fields::CALL),
        ["consumes", _, "components", ..] => key_items(fields::CONSUME),
        ["retry", ..] => key_items(fields::RETRY),
        [_, "components", ..] => key_items(fields::COMPONENT),
        [_, "entities", ..] => key_items(fields::ENTITY),
        ["relationships", _, "entities", ..] => key_items(fields::RELATIONSHIP),
        ["access_patterns", _, "entities", ..] => key_items(fields::ENTITY_PATTERN),
        [_, "journeys", ..] => key_items(fields::JOURNEY),
        _ if in_list_item => ids(),
        _ => Vec::new(),
    };
    json!(items)
}

/// Component ids by layout (the keys two spaces under `components:`), for a text that
/// does not parse while it is being typed.
fn component_ids_by_layout(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for l in text.lines() {
        if indent_of(l) == 0 && !l.trim().is_empty() {
            inside = l.starts_with("components:");
            continue;
        }
        if inside
            && indent_of(l) == 2
            && let Some((k, _)) = l.trim().split_once(':')
        {
            out.push(k.trim().to_string());
        }
    }
    out
}

// ---- code actions -------------------------------------------------------------------

fn code_actions(uri: &str, text: &str, want: &Value, today: Date) -> Value {
    let l = lint(uri, text, today);
    let (a, b) = (
        offset(
            &l.src,
            want["start"]["line"].as_u64().unwrap_or(0) as usize,
            want["start"]["character"].as_u64().unwrap_or(0) as usize,
        ),
        offset(
            &l.src,
            want["end"]["line"].as_u64().unwrap_or(0) as usize,
            want["end"]["character"].as_u64().unwrap_or(0) as usize,
        ),
    );
    let fixes = archlint_linter::fix::fixes(&l.src, &l.diags);
    let mut out = Vec::new();
    for f in fixes.iter().filter(|f| !f.edits.is_empty()) {
        let Some(d) = l
            .diags
            .iter()
            .find(|d| d.path == f.path && d.rule == f.rule)
        else {
            continue;
        };
        // the finding's lines (or the lines of one of its labels) touch the range
        let touches = std::iter::once(d.span)
            .chain(d.related.iter().map(|r| r.span))
            .any(|sp| {
                let (ds, de) = (
                    l.src.line_bounds(sp.start()).0,
                    l.src.line_bounds(sp.end()).1,
                );
                de >= a && ds <= b.max(a)
            });
        if !touches {
            continue;
        }
        let edits: Vec<Value> = f
            .edits
            .iter()
            .map(|e| json!({ "range": range(&l.src, archlint_core::source::Span::new(e.start, e.end)), "newText": e.text }))
            .collect();
        let mut changes = serde_json::Map::new();
        changes.insert(uri.to_string(), Value::Array(edits));
        out.push(json!({
            "title": f.title,
            "kind": "quickfix",
            "isPreferred": true,
            "diagnostics": [{ "range": range(&l.src, d.span), "code": d.rule, "message": d.message }],
            "edit": { "changes": changes },
        }));
    }
    Value::Array(out)
}

/// The architecture as the server sees a document (for tests and benchmarks).
pub fn model_of(text: &str) -> Option<Architecture> {
    archlint_linter::analyse(&SourceFile::new("doc", text))
        .ok()
        .map(|a| a.model)
}
