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

use std::collections::HashMap;
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, GotoDefinition, HoverRequest, Request as LspRequest,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    HoverProviderCapability, OneOf, PublishDiagnosticsParams, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};

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
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// Run the server on stdin/stdout until the client says `exit`. `today` gives the date
/// `allow ... until:` entries are compared with; it is asked at every lint, so a
/// session that runs past midnight sees the new day.
pub fn run_stdio(today: fn() -> Date) -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    let init = lsp_types::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "archlint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let (id, _params) = connection
        .initialize_start()
        .map_err(|e| format!("initialize failed: {e}"))?;
    let init = serde_json::to_value(init).map_err(|e| e.to_string())?;
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
    /// The open documents' texts.
    docs: HashMap<Uri, String>,
    /// Documents to lint once the messages stop for [`DEBOUNCE`].
    dirty: Vec<Uri>,
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
                    let resp = self.request(req);
                    let _ = c.sender.send(Message::Response(resp));
                }
                Message::Notification(n) => self.notification(c, n),
                Message::Response(_) => {}
            }
        }
    }

    fn notification(&mut self, c: &Connection, n: Notification) {
        fn params<N: lsp_types::notification::Notification>(n: Notification) -> Option<N::Params> {
            serde_json::from_value(n.params).ok()
        }
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Some(p) = params::<DidOpenTextDocument>(n) {
                    let uri = p.text_document.uri;
                    self.docs.insert(uri.clone(), p.text_document.text);
                    self.mark(uri);
                }
            }
            DidChangeTextDocument::METHOD => {
                // full sync: the last change holds the whole text
                if let Some(mut p) = params::<DidChangeTextDocument>(n)
                    && let Some(change) = p.content_changes.pop()
                {
                    let uri = p.text_document.uri;
                    self.docs.insert(uri.clone(), change.text);
                    self.mark(uri);
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
                    self.docs.remove(&uri);
                    self.dirty.retain(|u| *u != uri);
                    publish(c, uri, Vec::new());
                }
            }
            DidChangeWatchedFiles::METHOD | DidChangeConfiguration::METHOD => {
                // `.archlint.yaml` changed: lint every open document again
                let all: Vec<Uri> = self.docs.keys().cloned().collect();
                for u in all {
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

    fn publish_dirty(&mut self, c: &Connection) {
        for uri in std::mem::take(&mut self.dirty) {
            let Some(text) = self.docs.get(&uri) else {
                continue;
            };
            let diags = lsp_diagnostics(uri.as_str(), text, (self.today)());
            publish(c, uri, diags);
        }
    }

    fn request(&self, req: Request) -> Response {
        match req.method.as_str() {
            HoverRequest::METHOD => self.handle::<HoverRequest>(req, |s, p| {
                let doc = &p.text_document_position_params;
                let text = s.docs.get(&doc.text_document.uri)?;
                hover::hover(&doc.text_document.uri, text, doc.position, (s.today)())
            }),
            GotoDefinition::METHOD => self.handle::<GotoDefinition>(req, |s, p| {
                let doc = &p.text_document_position_params;
                let text = s.docs.get(&doc.text_document.uri)?;
                definition::definition(&doc.text_document.uri, text, doc.position)
            }),
            Completion::METHOD => self.handle::<Completion>(req, |s, p| {
                let doc = &p.text_document_position;
                let text = s.docs.get(&doc.text_document.uri)?;
                Some(completion::completion(
                    &doc.text_document.uri,
                    text,
                    doc.position,
                ))
            }),
            CodeActionRequest::METHOD => self.handle::<CodeActionRequest>(req, |s, p| {
                let text = s.docs.get(&p.text_document.uri)?;
                Some(code_action::code_actions(
                    &p.text_document.uri,
                    text,
                    p.range,
                    (s.today)(),
                ))
            }),
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

fn publish(c: &Connection, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: None,
    };
    let n = Notification::new(PublishDiagnostics::METHOD.into(), params);
    let _ = c.sender.send(Message::Notification(n));
}

/// The architecture as the server sees a document (for tests and benchmarks).
pub fn model_of(text: &str) -> Option<Architecture> {
    archlint_linter::analyse(&SourceFile::new("doc", text))
        .ok()
        .map(|a| a.model)
}
