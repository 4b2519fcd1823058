//! `archlint server`: a Language Server (LSP 3.17, stdio) for architecture files.
//!
//! Transport is the `lsp-server` crate (rust-analyzer's: synchronous, a channel of
//! messages, no async runtime to carry); every message is an `lsp-types` type, and
//! each request has its handler in its own module:
//!
//! - [`diagnostics`]: findings with ranges, codes, rule-page links and related
//!   locations, published on open and change; changes arriving within [`DEBOUNCE`] are
//!   linted once; `.archlint.yaml` is read again for every lint, so editing it takes
//!   effect at once; a closed document's diagnostics are cleared;
//! - [`hover`]: a component id (kind, tech, replicas, estimated peak load, findings) or
//!   a rule id (its summary);
//! - [`definition`]: from any mention of a component (`to:`, `from:`, `caches:`,
//!   `store:`, journey steps, short-form calls) or of an entity;
//! - [`completion`]: keys by position, enum values, component ids;
//! - [`code_action`]: the safe fixes of [`archlint_linter::fix`].
//!
//! A request with malformed parameters is answered with `InvalidParams`, an unknown
//! one with `MethodNotFound`; the server goes on either way.

mod code_action;
mod completion;
mod definition;
mod diagnostics;
mod document;
mod hover;
mod inlay;
mod publish;
mod symbols;
mod transport;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest,
    InlayHintRequest, PrepareRenameRequest, References, Rename, Request as LspRequest,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    GotoDefinitionResponse, HoverProviderCapability, OneOf, Position, PublishDiagnosticsParams,
    Range, RenameOptions, SaveOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use transport::{Incoming, Outgoing};

use archlint_core::model::{Architecture, Date};
use archlint_core::source::SourceFile;

pub use diagnostics::lsp_diagnostics;
pub use document::uri_to_path;

/// Changes arriving within this time of each other are linted once.
pub const DEBOUNCE: Duration = Duration::from_millis(40);

/// What the server can do, as `initialize` answers.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([":", " ", "[", ","].map(String::from).to_vec()),
            ..Default::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, code_action::fix_all_kind()]),
            ..Default::default()
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        ..Default::default()
    }
}

/// Run the server on stdin/stdout until the client says `exit`. `today` gives the date
/// `allow ... until:` entries are compared with; it is asked at every lint, so a
/// session that runs past midnight sees the new day.
pub fn run_stdio(today: fn() -> Date) -> Result<(), String> {
    let stdin = std::io::BufReader::new(std::io::stdin());
    let (inbox, rx, out, writer) = transport::start(stdin, std::io::stdout());
    let jobs = workers(inbox);
    let mut server = Server {
        today,
        docs: HashMap::new(),
        dirty: Vec::new(),
        out,
        jobs,
        shutdown: false,
    };
    let result = server.run(&rx);
    drop(server);
    let _ = writer.join();
    result
}

/// The last text of a document that parsed, and its findings: shown, moved with the
/// edits since, while the text does not parse.
pub(crate) struct LastValid {
    text: String,
    diagnostics: Vec<lsp_types::Diagnostic>,
}

/// A lint finished on a worker thread.
pub(crate) struct Linted {
    uri: Uri,
    generation: u64,
    /// `None` when a newer text made it stale before it finished: else the
    /// notification's bytes, what they hold, and the new last valid text.
    result: Option<(Vec<u8>, publish::Published, Option<Arc<LastValid>>)>,
}

struct Doc {
    text: Arc<String>,
    /// Bumped by every change: a lint of an older text is stale.
    generation: Arc<AtomicU64>,
    /// A lint of this document is running (one at a time per document).
    running: bool,
    last_valid: Option<Arc<LastValid>>,
    /// What was last published, whose unchanged parts the next publish reuses.
    published: Option<Arc<publish::Published>>,
}

struct Server {
    today: fn() -> Date,
    docs: HashMap<Uri, Doc>,
    /// Documents to lint once the messages stop for [`DEBOUNCE`].
    dirty: Vec<Uri>,
    out: Sender<Outgoing>,
    /// Lints for the worker threads (they report to the main loop's inbox).
    jobs: Sender<LintJob>,
    shutdown: bool,
}

/// The lint workers: long-lived threads (one per core, two to four), so that each
/// lint reuses its thread's memory instead of a new thread faulting in fresh pages.
fn workers(inbox: Sender<Incoming>) -> Sender<LintJob> {
    let (tx, rx) = std::sync::mpsc::channel::<LintJob>();
    let rx = Arc::new(std::sync::Mutex::new(rx));
    let n = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    for _ in 0..n {
        let (rx, inbox) = (rx.clone(), inbox.clone());
        std::thread::spawn(move || {
            loop {
                let job = match rx.lock() {
                    Ok(r) => r.recv(),
                    Err(_) => return,
                };
                let Ok(job) = job else { return };
                if inbox.send(Incoming::Linted(Box::new(job.run()))).is_err() {
                    return;
                }
            }
        });
    }
    tx
}

impl Server {
    fn send(&self, m: Message) {
        let _ = self.out.send(Outgoing::Message(m));
    }

    fn run(&mut self, rx: &Receiver<Incoming>) -> Result<(), String> {
        // the handshake: nothing but `initialize` is answered before it
        loop {
            match rx.recv() {
                Err(_) => return Ok(()),
                Ok(Incoming::Malformed(v)) => {
                    let _ = self.out.send(Outgoing::Raw(v));
                }
                Ok(Incoming::Message(Message::Request(req))) if req.method == "initialize" => {
                    let watch = req
                        .params
                        .pointer(
                            "/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration",
                        )
                        .and_then(serde_json::Value::as_bool)
                        .unwrap_or(false);
                    let init = lsp_types::InitializeResult {
                        capabilities: capabilities(),
                        server_info: Some(ServerInfo {
                            name: "archlint".into(),
                            version: Some(env!("CARGO_PKG_VERSION").into()),
                        }),
                    };
                    let v = serde_json::to_value(init).map_err(|e| e.to_string())?;
                    self.send(Message::Response(Response::new_ok(req.id, v)));
                    if watch {
                        self.register_watchers();
                    }
                    break;
                }
                Ok(Incoming::Message(Message::Request(req))) => {
                    self.send(Message::Response(Response::new_err(
                        req.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized yet".into(),
                    )));
                }
                Ok(Incoming::Message(Message::Notification(n))) if n.method == "exit" => {
                    return Ok(());
                }
                Ok(_) => {}
            }
        }
        loop {
            let msg = if self.dirty.is_empty() {
                match rx.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                }
            } else {
                match rx.recv_timeout(DEBOUNCE) {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout) => {
                        self.lint_dirty();
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                }
            };
            match msg {
                Incoming::Malformed(v) => {
                    let _ = self.out.send(Outgoing::Raw(v));
                }
                Incoming::Linted(l) => self.linted(*l),
                Incoming::Message(Message::Request(req)) => {
                    if req.method == "shutdown" {
                        self.shutdown = true;
                        self.send(Message::Response(Response::new_ok(
                            req.id,
                            serde_json::Value::Null,
                        )));
                        continue;
                    }
                    if self.shutdown {
                        self.send(Message::Response(Response::new_err(
                            req.id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".into(),
                        )));
                        continue;
                    }
                    let resp = self.request(req);
                    self.send(Message::Response(resp));
                }
                Incoming::Message(Message::Notification(n)) => {
                    if n.method == "exit" {
                        return Ok(());
                    }
                    self.notification(n);
                }
                Incoming::Message(Message::Response(_)) => {}
            }
        }
    }

    /// Ask the client to report changes to the files a lint reads besides the
    /// document: configurations and baselines.
    fn register_watchers(&self) {
        let params = serde_json::json!({
            "registrations": [{
                "id": "archlint-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": [
                    { "globPattern": "**/.archlint.yaml" },
                    { "globPattern": "**/.archlint.yml" },
                    { "globPattern": "**/*baseline*.json" },
                ] }
            }]
        });
        self.send(Message::Request(Request::new(
            lsp_server::RequestId::from("archlint-watch".to_string()),
            "client/registerCapability".into(),
            params,
        )));
    }

    fn notification(&mut self, n: Notification) {
        fn params<N: lsp_types::notification::Notification>(n: Notification) -> Option<N::Params> {
            serde_json::from_value(n.params).ok()
        }
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Some(p) = params::<DidOpenTextDocument>(n) {
                    let uri = p.text_document.uri;
                    self.docs.insert(
                        uri.clone(),
                        Doc {
                            text: Arc::new(p.text_document.text),
                            generation: Arc::new(AtomicU64::new(0)),
                            running: false,
                            last_valid: None,
                            published: None,
                        },
                    );
                    self.mark(uri);
                }
            }
            DidChangeTextDocument::METHOD => {
                // full sync: the last change holds the whole text
                if let Some(mut p) = params::<DidChangeTextDocument>(n)
                    && let Some(change) = p.content_changes.pop()
                    && let Some(doc) = self.docs.get_mut(&p.text_document.uri)
                {
                    doc.text = Arc::new(change.text);
                    doc.generation.fetch_add(1, Ordering::SeqCst);
                    self.mark(p.text_document.uri);
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Some(p) = params::<DidSaveTextDocument>(n) {
                    self.mark(p.text_document.uri);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Some(p) = params::<DidCloseTextDocument>(n) {
                    let uri = p.text_document.uri;
                    if let Some(d) = self.docs.remove(&uri) {
                        // a lint still running for it is stale now
                        d.generation.fetch_add(1, Ordering::SeqCst);
                    }
                    self.dirty.retain(|u| *u != uri);
                    self.publish(uri, Vec::new());
                }
            }
            DidChangeWatchedFiles::METHOD | DidChangeConfiguration::METHOD => {
                // a configuration or a baseline changed: lint every open document again
                let all: Vec<Uri> = self.docs.keys().cloned().collect();
                for u in all {
                    if let Some(d) = self.docs.get(&u) {
                        d.generation.fetch_add(1, Ordering::SeqCst);
                    }
                    self.mark(u);
                }
            }
            _ => {}
        }
    }

    fn mark(&mut self, uri: Uri) {
        if !self.dirty.contains(&uri) {
            self.dirty.push(uri);
        }
    }

    /// Start a lint of each changed document on a worker thread, one at a time per
    /// document: a document whose lint is still running is linted again when it ends.
    fn lint_dirty(&mut self) {
        let mut later = Vec::new();
        for uri in std::mem::take(&mut self.dirty) {
            let Some(doc) = self.docs.get_mut(&uri) else {
                continue;
            };
            if doc.running {
                later.push(uri);
                continue;
            }
            doc.running = true;
            let job = LintJob {
                uri,
                text: doc.text.clone(),
                generation: doc.generation.load(Ordering::SeqCst),
                current: doc.generation.clone(),
                last_valid: doc.last_valid.clone(),
                published: doc.published.clone(),
                today: (self.today)(),
            };
            let _ = self.jobs.send(job);
        }
        self.dirty.extend(later);
    }

    fn linted(&mut self, l: Linted) {
        let Some(doc) = self.docs.get_mut(&l.uri) else {
            return;
        };
        doc.running = false;
        let current = doc.generation.load(Ordering::SeqCst) == l.generation;
        match l.result {
            Some((bytes, published, valid)) if current => {
                if valid.is_some() {
                    doc.last_valid = valid;
                }
                doc.published = Some(Arc::new(published));
                let _ = self.out.send(Outgoing::Bytes(bytes));
            }
            // stale: the newer text is linted (it may be waiting for this one)
            _ => self.mark(l.uri),
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        let n = Notification::new(PublishDiagnostics::METHOD.into(), params);
        self.send(Message::Notification(n));
    }

    /// The text to answer a request about a position with: the document's, or (when
    /// it does not parse) its last text that did, the position moved there and back.
    fn view(&self, uri: &Uri, p: Position) -> Option<View> {
        let doc = self.docs.get(uri)?;
        let text = doc.text.as_str();
        match &doc.last_valid {
            Some(v) if v.text != text && !parses(text) => Some(View {
                text: v.text.clone(),
                position: Position::new(shift_line(text, &v.text, p.line), p.character),
                back: Some((v.text.clone(), text.to_string())),
            }),
            _ => Some(View {
                text: text.to_string(),
                position: p,
                back: None,
            }),
        }
    }

    fn request(&self, req: Request) -> Response {
        match req.method.as_str() {
            HoverRequest::METHOD => self.handle::<HoverRequest>(req, |s, p| {
                let doc = &p.text_document_position_params;
                let v = s.view(&doc.text_document.uri, doc.position)?;
                let mut h = hover::hover(&doc.text_document.uri, &v.text, v.position, (s.today)())?;
                h.range = h.range.map(|r| v.back_range(r));
                Some(h)
            }),
            GotoDefinition::METHOD => self.handle::<GotoDefinition>(req, |s, p| {
                let doc = &p.text_document_position_params;
                let v = s.view(&doc.text_document.uri, doc.position)?;
                match definition::definition(&doc.text_document.uri, &v.text, v.position)? {
                    GotoDefinitionResponse::Scalar(mut l) => {
                        l.range = v.back_range(l.range);
                        Some(GotoDefinitionResponse::Scalar(l))
                    }
                    other => Some(other),
                }
            }),
            Completion::METHOD => self.handle::<Completion>(req, |s, p| {
                let doc = &p.text_document_position;
                let d = s.docs.get(&doc.text_document.uri)?;
                let last = d.last_valid.as_ref().map(|v| v.text.as_str());
                Some(completion::completion(
                    &doc.text_document.uri,
                    &d.text,
                    doc.position,
                    last,
                ))
            }),
            CodeActionRequest::METHOD => self.handle::<CodeActionRequest>(req, |s, p| {
                let text = s.docs.get(&p.text_document.uri)?;
                Some(code_action::code_actions(
                    &p.text_document.uri,
                    &text.text,
                    p.range,
                    p.context.only.as_deref(),
                    (s.today)(),
                ))
            }),
            DocumentSymbolRequest::METHOD => self.handle::<DocumentSymbolRequest>(req, |s, p| {
                let doc = s.docs.get(&p.text_document.uri)?;
                symbols::document_symbols(&p.text_document.uri, &doc.text)
            }),
            References::METHOD => self.handle::<References>(req, |s, p| {
                let doc = &p.text_document_position;
                let text = s.docs.get(&doc.text_document.uri)?;
                symbols::references(
                    &doc.text_document.uri,
                    &text.text,
                    doc.position,
                    p.context.include_declaration,
                )
            }),
            InlayHintRequest::METHOD => self.handle::<InlayHintRequest>(req, |s, p| {
                let doc = s.docs.get(&p.text_document.uri)?;
                inlay::inlay_hints(&p.text_document.uri, &doc.text, p.range)
            }),
            PrepareRenameRequest::METHOD => self.handle::<PrepareRenameRequest>(req, |s, p| {
                let text = s.docs.get(&p.text_document.uri)?;
                symbols::prepare_rename(&p.text_document.uri, &text.text, p.position)
            }),
            Rename::METHOD => {
                let id = req.id.clone();
                match serde_json::from_value::<lsp_types::RenameParams>(req.params.clone()) {
                    Ok(p) => {
                        let doc = &p.text_document_position;
                        let text = self
                            .docs
                            .get(&doc.text_document.uri)
                            .map(|d| d.text.clone());
                        match text.map(|t| {
                            symbols::rename(&doc.text_document.uri, &t, doc.position, &p.new_name)
                        }) {
                            Some(Err(msg)) => {
                                Response::new_err(id, ErrorCode::InvalidParams as i32, msg)
                            }
                            Some(Ok(edit)) => Response::new_ok(id, edit),
                            None => Response::new_ok(id, serde_json::Value::Null),
                        }
                    }
                    Err(e) => Response::new_err(
                        id,
                        ErrorCode::InvalidParams as i32,
                        format!("malformed `textDocument/rename` parameters: {e}"),
                    ),
                }
            }
            _ => Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("archlint does not handle `{}`", req.method),
            ),
        }
    }

    /// Decode a request's parameters as `R` says, answer with `f`'s result, or with
    /// `InvalidParams` when they do not decode.
    fn handle<R: LspRequest>(
        &self,
        req: Request,
        f: impl Fn(&Self, R::Params) -> R::Result,
    ) -> Response {
        match serde_json::from_value::<R::Params>(req.params) {
            Ok(p) => Response::new_ok(req.id, f(self, p)),
            Err(e) => Response::new_err(
                req.id,
                ErrorCode::InvalidParams as i32,
                format!("malformed `{}` parameters: {e}", R::METHOD),
            ),
        }
    }
}

/// A request's text and position, and how to move a range in it back to the
/// document's text (when it is the last valid text, not the document's).
struct View {
    text: String,
    position: Position,
    back: Option<(String, String)>,
}

impl View {
    fn back_range(&self, r: Range) -> Range {
        match &self.back {
            None => r,
            Some((from, to)) => {
                let shift = LineShift::new(from, to);
                Range::new(
                    Position::new(shift.line(r.start.line), r.start.character),
                    Position::new(shift.line(r.end.line), r.end.character),
                )
            }
        }
    }
}

/// Whether a text parses as YAML (its input errors, if any, are semantic).
fn parses(text: &str) -> bool {
    let src = SourceFile::new("doc", text);
    let arena = archlint_core::model::yaml::Arena::for_text(text.len());
    archlint_core::model::yaml::parse(&src, &arena, Default::default()).is_ok()
}

/// Where line `line` (0-based) of `old` is in `new`: lines before the first changed
/// line stay, lines after the last changed one move by the lines added or removed,
/// and lines inside the change go to its first line.
pub fn shift_line(old: &str, new: &str, line: u32) -> u32 {
    LineShift::new(old, new).line(line)
}

/// The change between two texts, line by line, found once for every line to move
/// (comparing the texts for each of thousands of findings would be quadratic).
struct LineShift {
    /// Lines equal at the start, lines equal at the end, and each text's line count.
    same_before: usize,
    same_after: usize,
    old_len: usize,
    new_len: usize,
}

impl LineShift {
    fn new(old: &str, new: &str) -> LineShift {
        let a: Vec<&str> = old.split('\n').collect();
        let b: Vec<&str> = new.split('\n').collect();
        let p = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let s = a[p..]
            .iter()
            .rev()
            .zip(b[p..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        LineShift {
            same_before: p,
            same_after: s,
            old_len: a.len(),
            new_len: b.len(),
        }
    }

    fn line(&self, line: u32) -> u32 {
        let l = line as usize;
        let moved = if l < self.same_before {
            l
        } else if l >= self.old_len - self.same_after {
            l + self.new_len - self.old_len
        } else {
            self.same_before.min(self.new_len.saturating_sub(1))
        };
        moved as u32
    }
}

/// One lint, run off the main loop.
struct LintJob {
    uri: Uri,
    text: Arc<String>,
    generation: u64,
    current: Arc<AtomicU64>,
    last_valid: Option<Arc<LastValid>>,
    published: Option<Arc<publish::Published>>,
    today: Date,
}

impl LintJob {
    fn stale(&self) -> bool {
        self.current.load(Ordering::SeqCst) != self.generation
    }

    fn run(self) -> Linted {
        let result = if self.stale() {
            None
        } else {
            let stop = || self.stale();
            document::lint_until(self.uri.as_str(), &self.text, self.today, &stop)
                .filter(|_| !self.stale())
                .map(|l| {
                    let (diags, valid) = self.publishable(l);
                    let (bytes, published) =
                        publish::notification(&self.uri, diags, self.published.as_ref());
                    (bytes, published, valid)
                })
        };
        Linted {
            uri: self.uri,
            generation: self.generation,
            result,
        }
    }

    /// The diagnostics to publish, and the new last valid text when this one parses.
    fn publishable(
        &self,
        l: document::Linted,
    ) -> (Vec<lsp_types::Diagnostic>, Option<Arc<LastValid>>) {
        let linted = l.linted;
        let mut diags = diagnostics::convert(self.uri.as_str(), l);
        if linted {
            let valid = LastValid {
                text: self.text.to_string(),
                diagnostics: diags
                    .iter()
                    .filter(|d| {
                        d.code != Some(lsp_types::NumberOrString::String("invalid-input".into()))
                    })
                    .cloned()
                    .collect(),
            };
            return (diags, Some(Arc::new(valid)));
        }
        // a syntax error: the last findings that parsed stay, moved with the edits
        if let Some(v) = &self.last_valid {
            let shift = LineShift::new(&v.text, &self.text);
            let line = |p: Position| Position::new(shift.line(p.line), p.character);
            for d in &v.diagnostics {
                let mut d = d.clone();
                d.range = Range::new(line(d.range.start), line(d.range.end));
                if let Some(rel) = &mut d.related_information {
                    for r in rel {
                        r.location.range =
                            Range::new(line(r.location.range.start), line(r.location.range.end));
                    }
                }
                d.message.push_str(
                    "\n(from the last text that parsed: fix the syntax error to lint this one)",
                );
                d.data = Some(serde_json::json!({ "stale": true }));
                diags.push(d);
            }
        }
        (diags, None)
    }
}

/// The architecture as the server sees a document (for tests and benchmarks).
pub fn model_of(text: &str) -> Option<Architecture> {
    archlint_linter::analyse(&SourceFile::new("doc", text))
        .ok()
        .map(|a| a.model)
}
