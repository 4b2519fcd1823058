//! Safe automatic fixes (SPEC §4.7), as text edits that keep comments and layout:
//! `check --fix` / `--diff` and the language server's code actions.
//!
//! - `unused-allow`: remove the entry, or the whole `allow:` when it was the only one;
//! - each rule's own fix, declared with it (`retry-without-backoff`: `backoff:
//!   exponential` and `jitter: true` in the retry policy).
//!
//! Edits are computed on the YAML tree of the text, so they land on the exact bytes of
//! the nodes; block and flow style are each edited in their own style. Applying the
//! fixes and linting again finds nothing more to fix: fixing is idempotent.

use archlint_core::diag::Diagnostic;
use archlint_core::model::yaml::{self, Node};
use archlint_core::source::SourceFile;

/// Replace `start..end` (bytes) with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The fix of one finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub rule: String,
    /// The finding's path.
    pub path: String,
    pub title: String,
    pub edits: Vec<Edit>,
}

/// The node at a dotted path (`components.api.calls[2].retry`); a component id may
/// contain dots, so at each mapping the longest key that fits is taken.
pub fn node_at<'n, 'a>(root: &'n Node<'a>, path: &str) -> Option<&'n Node<'a>> {
    let mut node = root;
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']')?;
            let i: usize = r[..close].parse().ok()?;
            node = node.as_seq()?.get(i)?;
            rest = r[close + 1..].trim_start_matches('.');
            continue;
        }
        let map = node.as_map()?;
        let (_, v, used) = map
            .iter()
            .filter_map(|(k, v)| {
                let key = k.as_scalar()?;
                let after = rest.strip_prefix(key)?;
                (after.is_empty() || after.starts_with(['.', '['])).then_some((k, v, key.len()))
            })
            .max_by_key(|(_, _, n)| *n)?;
        node = v;
        rest = rest[used..].trim_start_matches('.');
    }
    Some(node)
}

/// Where a node's text ends: the parser's span of a flow collection runs on over the
/// blanks after its closing bracket.
pub(crate) fn end_of(text: &str, n: &Node) -> usize {
    let end = n.span.end().min(text.len());
    let start = n.span.start().min(end);
    start + text[start..end].trim_end().len()
}

pub(crate) fn is_flow(text: &str, n: &Node) -> bool {
    text[n.span.start().min(text.len())..].starts_with(['{', '['])
}

/// The byte range of whole lines from the line of `start` through the line of `end`,
/// line break included.
fn whole_lines(src: &SourceFile, start: usize, end: usize) -> (usize, usize) {
    let (ls, _) = src.line_bounds(start);
    let (_, le) = src.line_bounds(end.saturating_sub(1).max(start));
    let bytes = src.text.as_bytes();
    let mut e = le;
    if e < bytes.len() && bytes[e] == b'\r' {
        e += 1;
    }
    if e < bytes.len() && bytes[e] == b'\n' {
        e += 1;
    }
    (ls, e)
}

/// Remove entry `i` of mapping `map` (whose node is `map_node`) in its own style.
fn remove_entry(src: &SourceFile, map_node: &Node, entries: &[(Node, Node)], i: usize) -> Edit {
    let text = src.text.as_str();
    let (k, v) = &entries[i];
    let v_end = end_of(text, v).max(k.span.end());
    if is_flow(text, map_node) {
        // `a: 1, b: 2` -> remove `a: 1, ` (or `, b: 2` for the last)
        let (start, end) = if i + 1 < entries.len() {
            (k.span.start(), entries[i + 1].0.span.start())
        } else if i > 0 {
            let prev = &entries[i - 1];
            (end_of(text, &prev.1).max(prev.0.span.end()), v_end)
        } else {
            (k.span.start(), v_end)
        };
        Edit {
            start,
            end,
            text: String::new(),
        }
    } else {
        let (start, end) = whole_lines(src, k.span.start(), v_end);
        Edit {
            start,
            end,
            text: String::new(),
        }
    }
}

fn unused_allow(
    src: &SourceFile,
    root: &Node,
    d: &Diagnostic,
    unused: &[&Diagnostic],
) -> Option<Fix> {
    let (owner, rule) = match d.path.rsplit_once(".allow.") {
        Some((o, r)) => (o, r),
        None => ("", d.path.strip_prefix("allow.")?),
    };
    let owner_node = if owner.is_empty() {
        root
    } else {
        node_at(root, owner)?
    };
    let owner_entries = owner_node.as_map()?;
    let ai = owner_entries
        .iter()
        .position(|(k, _)| k.as_scalar() == Some("allow"))?;
    let allow = &owner_entries[ai].1;
    let entries = allow.as_map()?;
    let i = entries
        .iter()
        .position(|(k, _)| k.as_scalar() == Some(rule))?;
    // every entry of this `allow:` unused: the whole `allow:` goes
    let prefix = if owner.is_empty() {
        "allow.".to_string()
    } else {
        format!("{owner}.allow.")
    };
    let all_unused = entries.iter().all(|(k, _)| {
        k.as_scalar()
            .is_some_and(|r| unused.iter().any(|u| u.path == format!("{prefix}{r}")))
    });
    let edit = if entries.len() == 1 || all_unused {
        remove_entry(src, owner_node, owner_entries, ai)
    } else {
        remove_entry(src, allow, entries, i)
    };
    Some(Fix {
        rule: d.rule.clone(),
        path: d.path.clone(),
        title: format!("remove the unused `allow` of `{rule}`"),
        edits: vec![edit],
    })
}

/// The fixes for the fixable findings among `diags` (findings of `src`).
pub fn fixes(src: &SourceFile, diags: &[Diagnostic]) -> Vec<Fix> {
    let arena = yaml::Arena::new();
    let Ok(parsed) = yaml::parse(src, &arena, Default::default()) else {
        return Vec::new();
    };
    let root = &parsed.root;
    let unused: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.rule == crate::rules::UNUSED_ALLOW)
        .collect();
    let mut out: Vec<Fix> = diags
        .iter()
        .filter_map(|d| match d.rule.as_str() {
            crate::rules::UNUSED_ALLOW => unused_allow(src, root, d, &unused),
            id => crate::rules::find(id)?.fix?(src, root, d),
        })
        .collect();
    // two unused entries of one `allow:` each remove the whole `allow:`: the second
    // fix is the first's edit, so it keeps no edit of its own; a fix overlapping an
    // earlier one otherwise is left for the next run
    let mut taken: Vec<Edit> = Vec::new();
    out.retain_mut(|f| {
        if f.edits.iter().all(|e| taken.contains(e)) {
            f.edits.clear();
            return true;
        }
        let clash = f.edits.iter().any(|e| {
            taken
                .iter()
                .any(|t| e.start < t.end.max(t.start + 1) && t.start < e.end.max(e.start + 1))
        });
        if !clash {
            taken.extend(f.edits.iter().cloned());
        }
        !clash
    });
    out
}

/// Apply edits (non-overlapping) to a text.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut es: Vec<&Edit> = edits.iter().collect();
    es.sort_by_key(|e| std::cmp::Reverse((e.start, e.end)));
    let mut out = text.to_string();
    for e in es {
        if e.end <= out.len()
            && e.start <= e.end
            && out.is_char_boundary(e.start)
            && out.is_char_boundary(e.end)
        {
            out.replace_range(e.start..e.end, &e.text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'n, 'a>(root: &'n Node<'a>, p: &str) -> Option<String> {
        node_at(root, p).and_then(|n| n.as_scalar().map(str::to_string))
    }

    #[test]
    fn paths_find_nodes() {
        let src = SourceFile::new(
            "t",
            "components:\n  a.b: { kind: service, calls: [{ to: x, retry: 3 }] }\n  a: { kind: worker }\n",
        );
        let arena = yaml::Arena::new();
        let p = yaml::parse(&src, &arena, Default::default()).unwrap();
        assert_eq!(
            at(&p.root, "components.a.b.kind").as_deref(),
            Some("service")
        );
        assert_eq!(at(&p.root, "components.a.kind").as_deref(), Some("worker"));
        assert_eq!(
            at(&p.root, "components.a.b.calls[0].retry").as_deref(),
            Some("3")
        );
    }
}
