//! SPEC §4.7: the language server, driven over stdio with real JSON-RPC messages.

mod common;

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

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self
                .rx
                .recv_timeout(Duration::from_secs(20))
                .expect("a reply in time");
            if m["id"] == id {
                assert!(m.get("error").is_none(), "{m}");
                return m["result"].clone();
            }
            self.pending.push(m);
        }
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

#[test]
fn the_server_answers_an_editor() {
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
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 1);
    assert_eq!(caps["hoverProvider"], true);
    c.notify("initialized", json!({}));

    // diagnostics on open: ranges, codes, links, related locations
    c.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": DESIGN } }));
    let diags = c.diagnostics(&uri);
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(
        codes.contains(&"retry-without-backoff") && codes.contains(&"unused-allow"),
        "{codes:?}"
    );
    assert!(
        !codes.contains(&"missing-requirement"),
        ".archlint.yaml is honoured: {codes:?}"
    );
    let retry = diags
        .iter()
        .find(|d| d["code"] == "retry-without-backoff")
        .unwrap();
    assert_eq!(
        retry["range"]["start"],
        json!({ "line": 10, "character": 8 })
    );
    assert_eq!(retry["severity"], 2);
    assert!(
        retry["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("rules/retry-without-backoff.md")
    );
    assert!(!retry["relatedInformation"].as_array().unwrap().is_empty());

    // hover on a component id and on a rule id in `allow`
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": pos(DESIGN, "orders", 0) }),
    );
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("**orders** — service") && md.contains("replicas: 2"),
        "{md}"
    );
    let h = c.request("textDocument/hover", json!({ "textDocument": { "uri": uri }, "position": pos(DESIGN, "single-point-of-failure", 0) }));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("one replica"),
        "{h}"
    );

    // go to definition from `to: orders` and from a flow-style `to: orders-db`
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": pos(DESIGN, "orders", 0) }),
    );
    assert_eq!(def["range"]["start"], json!({ "line": 13, "character": 2 }));
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": pos(DESIGN, "orders-db", 0) }),
    );
    assert_eq!(def["range"]["start"]["line"], 17);

    // code action: the retry fix
    let acts = c.request("textDocument/codeAction", json!({
        "textDocument": { "uri": uri },
        "range": { "start": { "line": 12, "character": 0 }, "end": { "line": 12, "character": 0 } },
        "context": { "diagnostics": [] },
    }));
    let acts = acts.as_array().unwrap();
    let retry_fix = acts
        .iter()
        .find(|a| a["title"] == "use exponential backoff with jitter")
        .expect("a retry fix");
    let edits = retry_fix["edit"]["changes"][&uri].as_array().unwrap();
    assert!(
        edits.iter().any(|e| e["newText"] == "exponential"),
        "{edits:?}"
    );
    assert!(
        edits.iter().any(|e| e["newText"] == ", jitter: true"),
        "{edits:?}"
    );

    // completion: component ids after `to:`, enum values after `kind:`, keys by position
    let typed = DESIGN.replace("      - to: orders\n", "      - to: ord\n");
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": typed }] }));
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 10, "character": 15 } }),
    );
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"orders") && labels.contains(&"orders-db"),
        "{labels:?}"
    );
    let typed2 = typed.replace(
        "  orders-db: { kind: database",
        "  cache:\n    kind: \n  orders-db: { kind: database",
    );
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": typed2 }] }));
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 18, "character": 10 } }),
    );
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"cache") && labels.contains(&"database"),
        "{labels:?}"
    );
    let typed3 = typed.replace(
        "    replicas: 2\n    calls: [{ to: orders-db",
        "    replicas: 2\n    ti\n    calls: [{ to: orders-db",
    );
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 4 }, "contentChanges": [{ "text": typed3 }] }));
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 16, "character": 6 } }),
    );
    let labels = labels_of(&items);
    assert!(
        labels.contains(&"tech") && labels.contains(&"replicas") && labels.contains(&"calls"),
        "{labels:?}"
    );

    // diagnostics follow the edits: the dangling `to: ord` is an input error
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 5 }, "contentChanges": [{ "text": typed }] }));
    let mut diags = c.diagnostics(&uri);
    for _ in 0..4 {
        if diags.iter().any(|d| d["code"] == "invalid-input") {
            break;
        }
        diags = c.diagnostics(&uri);
    }
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

    // shutdown and exit
    let r = c.request("shutdown", Value::Null);
    assert!(r.is_null());
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert!(status.success());
}
