//! `textDocument/publishDiagnostics`, serialized on the lint's worker thread, straight
//! to the bytes of the message (no intermediate `serde_json::Value`), and reusing the
//! bytes of each diagnostic that has not changed since the document's last publish:
//! a keystroke in a large file re-serialises only what it changed.

use std::collections::HashMap;
use std::sync::Arc;

use lsp_types::{Diagnostic, Uri};

/// What was last published for a document: each diagnostic with its JSON.
#[derive(Default)]
pub(crate) struct Published {
    items: Vec<(Diagnostic, Arc<[u8]>)>,
}

/// A diagnostic's key for reuse: its fingerprint (findings and input errors have one).
fn key(d: &Diagnostic) -> Option<&str> {
    d.data.as_ref()?.get("fingerprint")?.as_str()
}

/// The whole notification for `diagnostics`, and what to remember of it.
pub(crate) fn notification(
    uri: &Uri,
    diagnostics: Vec<Diagnostic>,
    previous: Option<&Arc<Published>>,
) -> (Vec<u8>, Published) {
    let before: HashMap<&str, &(Diagnostic, Arc<[u8]>)> = previous
        .map(|p| {
            p.items
                .iter()
                .filter_map(|it| Some((key(&it.0)?, it)))
                .collect()
        })
        .unwrap_or_default();
    let mut items: Vec<(Diagnostic, Arc<[u8]>)> = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let same = key(&d)
            .and_then(|k| before.get(k))
            .filter(|(old, _)| *old == d)
            .map(|(_, bytes)| bytes.clone());
        let bytes = match same {
            Some(b) => b,
            None => Arc::from(serde_json::to_vec(&d).expect("a diagnostic serializes")),
        };
        items.push((d, bytes));
    }
    let mut out = Vec::with_capacity(128 + items.iter().map(|(_, b)| b.len() + 1).sum::<usize>());
    out.extend_from_slice(
        br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
    );
    serde_json::to_writer(&mut out, uri.as_str()).expect("a string serializes");
    out.extend_from_slice(br#","diagnostics":["#);
    for (i, (_, b)) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b);
    }
    out.extend_from_slice(b"]}}");
    (out, Published { items })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_what_serde_writes_and_unchanged_parts_are_reused() {
        let uri: Uri = "file:///a.arch.yaml".parse().unwrap();
        let d = |m: &str, fp: &str| Diagnostic {
            message: m.into(),
            data: Some(serde_json::json!({ "fingerprint": fp })),
            ..Default::default()
        };
        let (bytes, first) = notification(&uri, vec![d("one", "1"), d("two", "2")], None);
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let want = serde_json::json!({
            "jsonrpc": "2.0",
            "method": "textDocument/publishDiagnostics",
            "params": lsp_types::PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics: vec![d("one", "1"), d("two", "2")],
                version: None,
            },
        });
        assert_eq!(v, want);
        let first = Arc::new(first);
        let (_, second) = notification(&uri, vec![d("one", "1"), d("changed", "2")], Some(&first));
        // the unchanged diagnostic's bytes are shared, not written again; the changed one is new
        assert!(Arc::ptr_eq(&second.items[0].1, &first.items[0].1));
        assert!(!Arc::ptr_eq(&second.items[1].1, &first.items[1].1));
    }
}
