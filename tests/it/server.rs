//! The language server, driven over stdio with real JSON-RPC messages: one behaviour
//! per test, each against a server of its own.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use common::Dir;
use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// notifications seen while waiting for a response
    pending: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_archlint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            next_id: 1,
            pending: Vec::new(),
        }
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The whole reply to a request: `result` or `error`.
    fn reply(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self
                .rx
                .recv_timeout(Duration::from_secs(20))
                .expect("a reply in time");
            if m["id"] == id {
                return m;
            }
            self.pending.push(m);
        }
    }

    /// The result of a request that must succeed.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let m = self.reply(method, params);
        assert!(m.get("error").is_none(), "{m}");
        m["result"].clone()
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self.pending.iter().position(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        }) {
            let m = self.pending.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self
                .rx
                .recv_timeout(Duration::from_secs(20))
                .expect("diagnostics in time");
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.pending.push(m);
        }
    }
}

fn labels_of(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect()
}

const DESIGN: &str = "name: shop
components:
  web: { kind: client, calls: [api] }
  api:
    kind: service
    replicas: 2
    rate_limit: true
    allow:
      single-point-of-failure: two replicas
    calls:
      - to: orders
        timeout: 200ms
        retry: { attempts: 3, backoff: constant }
  orders:
    kind: service
    replicas: 2
    calls: [{ to: orders-db, timeout: 100ms }]
  orders-db: { kind: database, tech: postgresql, replicas: 2 }
";

fn pos(text: &str, needle: &str, nth: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap().0;
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": col + 1 })
}

/// A server with the shop design open (and a configuration beside it), and the
/// diagnostics published on open.
struct Session {
    _dir: Dir,
    c: Client,
    uri: String,
    init: Value,
    opened: Vec<Value>,
}

fn open_shop() -> Session {
    let d = Dir::new("lsp");
    d.write(
        ".archlint.yaml",
        "select: [all]\nignore: [missing-requirement, undocumented-choice]\n",
    );
    let file = d.write("shop.arch.yaml", DESIGN);
    let uri = format!("file://{file}");
    let mut c = Client::start();
    let init = c.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    c.notify("initialized", json!({}));
    c.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": DESIGN } }));
    let opened = c.diagnostics(&uri);
    Session {
        _dir: d,
        c,
        uri,
        init,
        opened,
    }
}

impl Session {
    fn change(&mut self, version: i64, text: &str) {
        let uri = self.uri.clone();
        self.c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }));
    }

    fn at(&mut self, method: &str, position: Value) -> Value {
        let uri = self.uri.clone();
        self.c.request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": position }),
        )
    }
}

#[test]
fn initialize_announces_full_sync_hover_definition_completion_and_fixes() {
    let s = open_shop();
    let caps = &s.init["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 1);
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert!(caps["completionProvider"]["triggerCharacters"].is_array());
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.archlint"])
    );
    assert_eq!(s.init["serverInfo"]["name"], "archlint");
}

#[test]
fn diagnostics_on_open_honour_the_configuration() {
    let s = open_shop();
    let codes: Vec<&str> = s
        .opened
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"retry-without-backoff") && codes.contains(&"unused-allow"),
        "{codes:?}"
    );
    assert!(
        !codes.contains(&"missing-requirement"),
        ".archlint.yaml is honoured: {codes:?}"
    );
}

#[test]
fn a_diagnostic_has_its_range_severity_rule_link_and_related_locations() {
    let s = open_shop();
    let retry = s
        .opened
        .iter()
        .find(|d| d["code"] == "retry-without-backoff")
        .unwrap();
    assert_eq!(
        retry["range"]["start"],
        json!({ "line": 10, "character": 8 })
    );
    assert_eq!(retry["severity"], 2);
    assert_eq!(retry["source"], "archlint");
    assert!(
        retry["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("rules/retry-without-backoff.md")
    );
    let related = retry["relatedInformation"].as_array().unwrap();
    assert!(!related.is_empty());
    assert_eq!(related[0]["location"]["uri"], s.uri.as_str());
    assert!(retry["data"]["fingerprint"].as_str().unwrap().len() == 16);
}

#[test]
fn hover_on_a_component_shows_its_kind_and_replicas() {
    let mut s = open_shop();
    let h = s.at("textDocument/hover", pos(DESIGN, "orders", 0));
    let md = h["contents"]["value"].as_str().unwrap();
    assert_eq!(h["contents"]["kind"], "markdown");
    assert!(
        md.contains("**orders** — service") && md.contains("replicas: 2"),
        "{md}"
    );
}

#[test]
fn hover_on_a_rule_id_in_allow_shows_its_summary() {
    let mut s = open_shop();
    let h = s.at(
        "textDocument/hover",
        pos(DESIGN, "single-point-of-failure", 0),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("one replica"),
        "{h}"
    );
}

#[test]
fn definition_goes_from_a_call_to_the_component() {
    let mut s = open_shop();
    let def = s.at("textDocument/definition", pos(DESIGN, "orders", 0));
    assert_eq!(def["uri"], s.uri.as_str());
    assert_eq!(def["range"]["start"], json!({ "line": 13, "character": 2 }));
    // and from a flow-style `to: orders-db`
    let def = s.at("textDocument/definition", pos(DESIGN, "orders-db", 0));
    assert_eq!(def["range"]["start"]["line"], 17);
}

#[test]
fn a_code_action_offers_the_retry_fix() {
    let mut s = open_shop();
    let uri = s.uri.clone();
    let acts = s.c.request("textDocument/codeAction", json!({
        "textDocument": { "uri": uri },
        "range": { "start": { "line": 12, "character": 0 }, "end": { "line": 12, "character": 0 } },
        "context": { "diagnostics": [] },
    }));
    let acts = acts.as_array().unwrap();
    let retry_fix = acts
        .iter()
        .find(|a| a["title"] == "use exponential backoff with jitter")
        .expect("a retry fix");
    assert_eq!(retry_fix["kind"], "quickfix");
    let edits = retry_fix["edit"]["changes"][&uri].as_array().unwrap();
    assert!(
        edits.iter().any(|e| e["newText"] == "exponential"),
        "{edits:?}"
    );
    assert!(
        edits.iter().any(|e| e["newText"] == ", jitter: true"),
        "{edits:?}"
    );
}

#[test]
fn completion_offers_component_ids_after_to() {
    let mut s = open_shop();
    let typed = DESIGN.replace("      - to: orders\n", "      - to: ord\n");
    s.change(2, &typed);
    let items = s.at(
        "textDocument/completion",
        json!({ "line": 10, "character": 15 }),
    );
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"orders") && labels.contains(&"orders-db"),
        "{labels:?}"
    );
}

#[test]
fn completion_offers_enum_values_after_kind() {
    let mut s = open_shop();
    let typed = DESIGN.replace(
        "  orders-db: { kind: database",
        "  cache:\n    kind: \n  orders-db: { kind: database",
    );
    s.change(2, &typed);
    let items = s.at(
        "textDocument/completion",
        json!({ "line": 18, "character": 10 }),
    );
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"cache") && labels.contains(&"database"),
        "{labels:?}"
    );
}

#[test]
fn completion_offers_keys_by_position() {
    let mut s = open_shop();
    let typed = DESIGN.replace(
        "    replicas: 2\n    calls: [{ to: orders-db",
        "    replicas: 2\n    ti\n    calls: [{ to: orders-db",
    );
    s.change(2, &typed);
    let items = s.at(
        "textDocument/completion",
        json!({ "line": 16, "character": 6 }),
    );
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"tech") && labels.contains(&"replicas") && labels.contains(&"calls"),
        "{labels:?}"
    );
}

#[test]
fn diagnostics_follow_the_edits() {
    let mut s = open_shop();
    // the dangling `to: ord` is an input error
    let typed = DESIGN.replace("      - to: orders\n", "      - to: ord\n");
    s.change(2, &typed);
    let uri = s.uri.clone();
    let diags = s.c.diagnostics(&uri);
    let err = diags
        .iter()
        .find(|d| d["code"] == "invalid-input")
        .expect("the unknown id is reported");
    assert_eq!(err["severity"], 1);
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `orders`"),
        "{err}"
    );
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let mut s = open_shop();
    assert!(!s.opened.is_empty());
    let uri = s.uri.clone();
    s.c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(s.c.diagnostics(&uri).is_empty());
}

#[test]
fn an_unknown_request_is_method_not_found_and_the_server_goes_on() {
    let mut s = open_shop();
    let r = s.c.reply("textDocument/unknownThing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let h = s.at("textDocument/hover", pos(DESIGN, "orders", 0));
    assert!(h["contents"]["value"].is_string());
}

#[test]
fn malformed_parameters_are_invalid_params_and_the_server_goes_on() {
    let mut s = open_shop();
    let r =
        s.c.reply("textDocument/hover", json!({ "textDocument": 7 }));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let h = s.at("textDocument/hover", pos(DESIGN, "orders", 0));
    assert!(h["contents"]["value"].is_string());
}

#[test]
fn shutdown_then_exit_ends_the_server_cleanly() {
    let mut s = open_shop();
    let r = s.c.request("shutdown", Value::Null);
    assert!(r.is_null());
    s.c.notify("exit", Value::Null);
    let status = s.c.child.wait().unwrap();
    assert!(status.success());
}

impl Client {
    /// A server that has opened `file` with `text` (initialized, the file sent).
    fn opened(file: &str, text: &str) -> (Client, String) {
        let uri = format!("file://{file}");
        let mut c = Client::start();
        c.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        );
        c.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
        (c, uri)
    }

    /// Write raw bytes to the server, framing and all.
    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next message with no `method` (an answer) whose `id` is `id`.
    fn answer(&mut self, id: Value) -> Value {
        loop {
            let m = self
                .rx
                .recv_timeout(Duration::from_secs(20))
                .expect("an answer in time");
            if m.get("method").is_none() && m["id"] == id {
                return m;
            }
            self.pending.push(m);
        }
    }
}

#[test]
fn malformed_frames_are_answered_and_the_server_goes_on() {
    let mut s = open_shop();
    let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    s.c.raw(b"X-Nothing: 1\r\n\r\n");
    assert_eq!(s.c.answer(Value::Null)["error"]["code"], -32700);
    s.c.raw(b"Content-Length: ten\r\n\r\n");
    assert_eq!(s.c.answer(Value::Null)["error"]["code"], -32700);
    s.c.raw(frame("{not json").as_bytes());
    assert_eq!(s.c.answer(Value::Null)["error"]["code"], -32700);
    s.c.raw(frame("[1, 2]").as_bytes());
    assert_eq!(s.c.answer(Value::Null)["error"]["code"], -32600);
    s.c.raw(frame(r#"{"jsonrpc":"2.0","id":77}"#).as_bytes());
    assert_eq!(s.c.answer(json!(77))["error"]["code"], -32600);
    s.c.raw(frame(r#"{"jsonrpc":"2.0","id":78,"method":5}"#).as_bytes());
    assert_eq!(s.c.answer(json!(78))["error"]["code"], -32600);
    // an absurd length (2^64 - 1) is answered at once, never allocated or awaited
    s.c.raw(b"Content-Length: 18446744073709551615\r\n\r\n");
    let r = s.c.answer(Value::Null);
    assert_eq!(r["error"]["code"], -32600, "{r}");
    // and it still answers
    let h = s.at("textDocument/hover", pos(DESIGN, "orders", 0));
    assert!(h["contents"]["value"].as_str().unwrap().contains("orders"));
}

#[test]
fn a_semantic_error_keeps_the_other_findings() {
    let mut s = open_shop();
    let before = s.opened.len();
    // an unknown key on `orders`: reported, and the rest still linted
    s.change(
        2,
        &DESIGN.replace(
            "  orders:\n    kind: service\n",
            "  orders:\n    kind: service\n    replicaz: 2\n",
        ),
    );
    let uri = s.uri.clone();
    let diags = s.c.diagnostics(&uri);
    assert!(
        diags.iter().any(|d| d["code"] == "invalid-input"),
        "{diags:?}"
    );
    let findings = diags
        .iter()
        .filter(|d| d["code"] != "invalid-input")
        .count();
    assert!(findings > 0 && before > 0, "{diags:?}");
}

#[test]
fn through_a_syntax_error_the_last_findings_stay_moved_and_marked() {
    let mut s = open_shop();
    let first = s.opened[0].clone();
    // a new, unclosed line at the top: every line moves down one
    s.change(2, &format!("x: [\n{DESIGN}"));
    let uri = s.uri.clone();
    let diags = s.c.diagnostics(&uri);
    let syntax: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "invalid-input")
        .collect();
    assert!(!syntax.is_empty(), "{diags:?}");
    let kept: Vec<&Value> = diags
        .iter()
        .filter(|d| d["data"]["stale"] == true)
        .collect();
    assert_eq!(kept.len(), s.opened.len(), "{diags:?}");
    let same = kept
        .iter()
        .find(|d| {
            d["code"] == first["code"]
                && d["message"]
                    .as_str()
                    .unwrap()
                    .starts_with(first["message"].as_str().unwrap())
        })
        .expect("the first finding is kept");
    assert_eq!(
        same["range"]["start"]["line"],
        first["range"]["start"]["line"].as_i64().unwrap() + 1
    );
    assert!(
        same["message"]
            .as_str()
            .unwrap()
            .contains("from the last text that parsed")
    );
    // hover still answers, from the last text that parsed
    let text = format!("x: [\n{DESIGN}");
    let h = s.at("textDocument/hover", pos(&text, "orders-db", 1));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("database"),
        "{h}"
    );
}

#[test]
fn document_symbols_list_the_components() {
    let mut s = open_shop();
    let uri = s.uri.clone();
    let syms = s.c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web", "api", "orders", "orders-db"]);
    assert_eq!(syms[3]["detail"], "database");
}

#[test]
fn references_find_every_use_of_an_id_and_no_longer_id() {
    let mut s = open_shop();
    let uri = s.uri.clone();
    let refs = s.c.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri }, "position": pos(DESIGN, "orders", 0), "context": { "includeDeclaration": true } }),
    );
    let lines: Vec<i64> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["range"]["start"]["line"].as_i64().unwrap())
        .collect();
    // the key `orders:` (line 13) and `to: orders` (line 10); never `orders-db`
    assert_eq!(lines, [13, 10], "{refs}");
    for r in refs.as_array().unwrap() {
        let width = r["range"]["end"]["character"].as_i64().unwrap()
            - r["range"]["start"]["character"].as_i64().unwrap();
        assert_eq!(width, "orders".len() as i64, "{r}");
    }
}

#[test]
fn rename_changes_an_id_and_every_use_of_it() {
    let mut s = open_shop();
    let uri = s.uri.clone();
    let at = pos(DESIGN, "orders", 0);
    let prep = s.c.request(
        "textDocument/prepareRename",
        json!({ "textDocument": { "uri": uri }, "position": at }),
    );
    assert_eq!(prep["start"]["line"], 10, "{prep}");
    let edit = s.c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": at, "newName": "checkout" }),
    );
    let edits = edit["changes"][uri.as_str()].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{edit}");
    assert!(edits.iter().all(|e| e["newText"] == "checkout"));
    // a taken name is refused
    let r = s.c.reply(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": at, "newName": "orders-db" }),
    );
    assert!(
        r["error"]["message"].as_str().unwrap().contains("already"),
        "{r}"
    );
    // nothing to rename on a key that is no id
    let r = s.c.request(
        "textDocument/prepareRename",
        json!({ "textDocument": { "uri": uri }, "position": pos(DESIGN, "replicas", 0) }),
    );
    assert!(r.is_null(), "{r}");
}

#[test]
fn completion_inserts_valid_yaml_and_fits_the_place() {
    let mut s = open_shop();
    let typed = DESIGN.replace("      - to: orders\n", "      - to:\n");
    s.change(2, &typed);
    let items = s.at(
        "textDocument/completion",
        pos(&typed, "to:", 0)
            .as_object()
            .map(|o| {
                let mut o = o.clone();
                o["character"] = json!(o["character"].as_i64().unwrap() + 2);
                Value::Object(o)
            })
            .unwrap(),
    );
    let orders = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "orders")
        .expect("orders offered");
    assert_eq!(orders["insertText"], " orders", "{orders}");
    // after `store:` only databases
    let text = format!("{DESIGN}entities:\n  order:\n    store: \n");
    s.change(3, &text);
    let line = text.lines().count() - 1;
    let items = s.at(
        "textDocument/completion",
        json!({ "line": line, "character": 11 }),
    );
    assert_eq!(labels_of(&items), ["orders-db"], "{items}");
}

#[test]
fn the_configurations_baseline_hides_its_findings() {
    let d = Dir::new("lsp-baseline");
    let file = d.write("shop.arch.yaml", DESIGN);
    // the baseline of this file as `check` writes it, run from the directory
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_archlint"))
        .current_dir(&d.0)
        .args(["check", "shop.arch.yaml", "--write-baseline", "base.json"])
        .output()
        .unwrap();
    assert!(o.status.code().is_some(), "{o:?}");
    d.write(".archlint.yaml", "baseline: base.json\n");
    let (mut c, uri) = Client::opened(&file, DESIGN);
    let diags = c.diagnostics(&uri);
    assert!(
        diags.is_empty(),
        "the baseline hides every finding: {diags:?}"
    );
}

#[test]
fn watchers_are_registered_when_the_client_can() {
    let mut c = Client::start();
    c.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": { "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } } }),
    );
    let m = loop {
        let m =
            c.rx.recv_timeout(Duration::from_secs(20))
                .expect("a registration");
        if m["method"] == "client/registerCapability" {
            break m;
        }
    };
    let globs: Vec<&str> = m["params"]["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert!(globs.contains(&"**/.archlint.yaml"), "{globs:?}");
}

#[test]
fn inlay_hints_show_each_components_load() {
    let d = Dir::new("lsp-inlay");
    let text = "name: shop\nrequirements:\n  scale: { daily_active_users: 1M, requests_per_user_per_day: 10, peak_to_average: 3 }\ncomponents:\n  web: { kind: client, calls: [api] }\n  api:\n    kind: service\n    capacity: 200\n    replicas: 2\n    calls: [{ to: db, timeout: 1s }]\n  db: { kind: database, replicas: 2 }\n";
    let file = d.write("shop.arch.yaml", text);
    let (mut c, uri) = Client::opened(&file, text);
    let hints = c.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 20, "character": 0 } } }),
    );
    let api = hints
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["position"]["line"] == 5)
        .unwrap_or_else(|| panic!("a hint on `api:`: {hints}"));
    // 1M × 10 / 86,400 s × 3 ≈ 347 rps on 2 × 200: 86.8%
    assert_eq!(api["label"], "≈ 347 rps, 86.8% of capacity", "{api}");
    assert!(api["tooltip"].as_str().unwrap().contains("web"), "{api}");
    assert_eq!(api["position"]["character"], 6, "at the end of `  api:`");
}

#[test]
fn a_did_you_mean_error_has_a_quick_fix() {
    let mut s = open_shop();
    let typed = DESIGN.replace(
        "    replicas: 2\n    rate_limit",
        "    replicaz: 2\n    rate_limit",
    );
    s.change(2, &typed);
    let uri = s.uri.clone();
    let at = pos(&typed, "replicaz", 0);
    let actions = s.c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": { "start": at, "end": at }, "context": { "diagnostics": [] } }),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Change `replicaz` to `replicas`")
        .unwrap_or_else(|| panic!("{actions}"));
    let edit = &fix["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["newText"], "replicas");
    assert_eq!(edit["range"]["start"]["line"], at["line"]);
    assert_eq!(
        edit["range"]["end"]["character"].as_i64().unwrap()
            - edit["range"]["start"]["character"].as_i64().unwrap(),
        8
    );
}

#[test]
fn a_finding_has_a_quick_fix_that_allows_it_with_a_reason() {
    let mut s = open_shop();
    let uri = s.uri.clone();
    // the retry finding on the call `- to: orders`
    let d = s
        .opened
        .iter()
        .find(|d| d["code"] == "retry-without-backoff")
        .cloned()
        .expect("the retry finding");
    let actions = s.c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": d["range"], "context": { "diagnostics": [] } }),
    );
    let rule = d["code"].as_str().unwrap();
    let title = format!("Allow `{rule}` here, with a reason");
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == title.as_str())
        .unwrap_or_else(|| panic!("{title}: {actions}"));
    // applied, the file is valid and the finding is gone
    let edits = fix["edit"]["changes"][uri.as_str()].as_array().unwrap();
    let fixed = apply(DESIGN, edits);
    let r = crate::common::lint_text(&fixed);
    assert!(
        !r.input_error,
        "{fixed}\n{:?}",
        crate::common::errors_of(&r)
    );
    assert!(fixed.contains("TODO: why this is acceptable"), "{fixed}");
    assert!(
        !r.diagnostics
            .iter()
            .any(|x| x.rule == "retry-without-backoff"),
        "{fixed}"
    );
}

#[test]
fn fix_all_applies_every_safe_fix() {
    let mut s = open_shop();
    let uri = s.uri.clone();
    let actions = s.c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
    );
    let all: Vec<&Value> = actions.as_array().unwrap().iter().collect();
    assert_eq!(all.len(), 1, "{actions}");
    assert_eq!(all[0]["kind"], "source.fixAll.archlint");
    let fixed = apply(
        DESIGN,
        all[0]["edit"]["changes"][uri.as_str()].as_array().unwrap(),
    );
    assert!(fixed.contains("jitter") || fixed != DESIGN, "{fixed}");
    assert!(!crate::common::lint_text(&fixed).input_error, "{fixed}");
}

/// Apply LSP text edits (ASCII text: characters are bytes).
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let ch = p["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + ch
    };
    let mut es: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    es.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in es {
        out.replace_range(s..e, &t);
    }
    out
}

/// Typing fast in a large file: every edit makes the lint before it stale, and what is
/// published last is the last text's (a stale lint is stopped, never published after).
#[test]
fn fast_edits_in_a_large_file_end_with_the_last_texts_diagnostics() {
    let d = Dir::new("lsp-fast");
    let base = archlint_testing::synth::generate(2_000, 3).yaml;
    let file = d.write("big.arch.yaml", &base);
    let (mut c, uri) = Client::opened(&file, &base);
    c.diagnostics(&uri);
    for i in 0..8 {
        let text = format!("{base}typed_key_{i}: 1\n");
        c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": i + 2 }, "contentChanges": [{ "text": text }] }));
    }
    // the last text's error comes, and nothing after it
    let key_of = |ds: &[Value]| -> Option<String> {
        ds.iter()
            .filter_map(|d| d["message"].as_str())
            .find_map(|m| {
                m.split('`')
                    .find(|w| w.starts_with("typed_key_"))
                    .map(str::to_string)
            })
    };
    loop {
        let ds = c.diagnostics(&uri);
        if key_of(&ds).as_deref() == Some("typed_key_7") {
            break;
        }
    }
    // a hover round trip: anything published meanwhile came before it
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 2 } }),
    );
    let _ = h;
    std::thread::sleep(Duration::from_millis(300));
    while let Ok(m) = c.rx.try_recv() {
        assert!(
            m["method"] != "textDocument/publishDiagnostics",
            "a publish after the last text's: {}",
            key_of(m["params"]["diagnostics"].as_array().unwrap()).unwrap_or_default()
        );
    }
}

#[test]
fn completion_offers_protocols_and_the_technologies_of_the_kind() {
    let mut s = open_shop();
    let text = format!("{DESIGN}  store:\n    kind: database\n    tech: \n");
    s.change(2, &text);
    let line = text.lines().count() - 1;
    let items = s.at(
        "textDocument/completion",
        json!({ "line": line, "character": 10 }),
    );
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"postgresql") && labels.contains(&"mongodb"),
        "{labels:?}"
    );
    assert!(!labels.contains(&"kafka"), "only databases: {labels:?}");
    let text = DESIGN.replace(
        "        timeout: 200ms\n",
        "        protocol: \n        timeout: 200ms\n",
    );
    s.change(3, &text);
    let at = pos(&text, "protocol: ", 0);
    let items = s.at(
        "textDocument/completion",
        json!({ "line": at["line"], "character": at["character"].as_i64().unwrap() + 9 }),
    );
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"grpc") && labels.contains(&"https"),
        "{labels:?}"
    );
}

#[test]
fn completion_keeps_working_from_the_last_text_that_parsed() {
    let mut s = open_shop();
    // a half-typed flow list breaks the parse; a new call is being typed below it
    let text = DESIGN.replace(
        "    calls: [{ to: orders-db, timeout: 100ms }]\n",
        "    calls: [{ to: orders-db, timeout: 100ms }\n    x: [\n      - to: \n",
    );
    s.change(2, &text);
    let uri = s.uri.clone();
    let diags = s.c.diagnostics(&uri);
    assert!(
        diags.iter().any(|d| d["data"]["stale"] == true),
        "{diags:?}"
    );
    let at = pos(&text, "- to: ", 1);
    let items = s.at(
        "textDocument/completion",
        json!({ "line": at["line"], "character": at["character"].as_i64().unwrap() + 5 }),
    );
    let db = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "orders-db")
        .unwrap_or_else(|| panic!("{items}"));
    // the kind comes from the last model, not from guessing by indentation
    assert_eq!(db["detail"], "database", "{db}");
}

/// The complaint this answers: typing a new `timeout:` line in the shop example, key by
/// key, left the file with a single diagnostic at 12 of 23 keystrokes. Now every
/// keystroke keeps the findings (those of the text, or of the last text that parsed).
#[test]
fn typing_a_line_key_by_key_never_hides_the_findings() {
    let shop = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/shop.arch.yaml"
    ))
    .unwrap();
    let d = Dir::new("lsp-typing");
    let file = d.write("shop.arch.yaml", &shop);
    let (mut c, uri) = Client::opened(&file, &shop);
    let opened = c.diagnostics(&uri).len();
    assert!(opened > 10);
    // after the call `- to: shop-db` of payments (no timeout), type `timeout: 250ms`
    let anchor = "      - to: shop-db\n\n  fraud:";
    let at = shop.find(anchor).expect("the call") + "      - to: shop-db\n".len();
    let line = "        timeout: 250ms\n";
    let mut thin = Vec::new();
    for n in 1..=line.len() {
        let text = format!("{}{}{}", &shop[..at], &line[..n], &shop[at..]);
        c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": n + 1 }, "contentChanges": [{ "text": text }] }));
        let ds = c.diagnostics(&uri);
        let findings = ds.iter().filter(|d| d["code"] != "invalid-input").count();
        if findings < opened / 2 {
            thin.push(format!("{:?}: {} findings", &line[..n], findings));
        }
    }
    assert!(
        thin.is_empty(),
        "keystrokes that hid the findings: {thin:#?}"
    );
}

/// A configuration whose rule pack is a named pipe: the server says so and goes on,
/// never blocked on the pipe.
#[test]
#[cfg(unix)]
fn a_pack_that_would_block_cannot_stall_the_server() {
    let d = Dir::new("lsp-fifo");
    let fifo = d.0.join("pack.yaml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    d.write(".archlint.yaml", "rule_packs: [pack.yaml]\n");
    let file = d.write("shop.arch.yaml", DESIGN);
    let (mut c, uri) = Client::opened(&file, DESIGN);
    let diags = c.diagnostics(&uri);
    assert!(
        diags.iter().any(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file")),
        "{diags:?}"
    );
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": pos(DESIGN, "orders", 0) }),
    );
    assert!(h["contents"]["value"].is_string());
}
