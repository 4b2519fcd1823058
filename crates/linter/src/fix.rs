//! Safe automatic fixes, as text edits that keep comments and layout:
//! `check --fix` / `--diff` and the language server's code actions.
//!
//! - `unused-allow`: remove the entry, or the whole `allow:` when it was the only one;
//! - each rule's own fix, declared with it (`retry-without-backoff`: `backoff:
//!   exponential` and `jitter: true` in the retry policy).
//!
//! Edits are computed on the YAML tree of the text, so they land on the exact bytes of
//! the nodes; block and flow style are each edited in their own style. Applying the
//! fixes and linting again finds nothing more to fix: fixing is idempotent.

use std::collections::{BTreeMap, HashMap, HashSet};

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
    /// Why the finding is not fixed automatically, when it is not (its edits are then
    /// empty): an `allow` shared through an anchor, alias or merge key.
    pub skipped: Option<String>,
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
    let mut rest = &text[n.span.start().min(text.len())..];
    // past an anchor or a tag written before the collection (`&a {`, `!!map {`)
    while rest.starts_with(['&', '!']) {
        let token = rest.find([' ', '\t', '\n']).unwrap_or(rest.len());
        rest = rest[token..].trim_start_matches([' ', '\t']);
    }
    rest.starts_with(['{', '['])
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

/// The spans of the nodes the tree holds more than once: an alias copies its anchored
/// node (the copy's own span is the alias, its children keep the anchored text's
/// spans), and a merge key copies entries the same way.
fn repeated_spans(root: &Node) -> HashSet<(usize, usize)> {
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut twice: HashSet<(usize, usize)> = HashSet::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let key = (n.span.start(), n.span.end());
        if !seen.insert(key) {
            twice.insert(key);
        }
        match (n.as_map(), n.as_seq()) {
            (Some(m), _) => stack.extend(m.iter().flat_map(|(k, v)| [k, v])),
            (_, Some(items)) => stack.extend(items.iter()),
            _ => {}
        }
    }
    twice
}

/// The `unused-allow` fixes, an `allow:` at a time, so that every unused entry of one
/// `allow:` goes in one run: the whole `allow:` when all its entries are unused;
/// else, in a block mapping, each entry's lines; in a flow mapping, each run of
/// consecutive unused entries at once (two edits never overlap). An `allow:` written
/// elsewhere than its owner (through a merge key) or shared through an anchor is not
/// edited: the fix says why.
fn unused_allow_fixes(src: &SourceFile, root: &Node, unused: &[&Diagnostic]) -> Vec<Fix> {
    let text = src.text.as_str();
    // one group per `allow:` owner, in file order
    let mut groups: Vec<(&str, Vec<(&str, &Diagnostic)>)> = Vec::new();
    let mut group_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for d in unused {
        let (owner, rule) = match d.path.rsplit_once(".allow.") {
            Some((o, r)) => (o, r),
            None => match d.path.strip_prefix("allow.") {
                Some(r) => ("", r),
                None => continue,
            },
        };
        match group_of.get(owner) {
            Some(&i) => groups[i].1.push((rule, d)),
            None => {
                group_of.insert(owner, groups.len());
                groups.push((owner, vec![(rule, d)]));
            }
        }
    }
    let repeated = if text.contains('&') {
        repeated_spans(root)
    } else {
        HashSet::new()
    };
    let components = Index::new(root);
    let mut out = Vec::new();
    for (owner, members) in groups {
        let owner_node = if owner.is_empty() {
            Some(root)
        } else {
            components.find(owner)
        };
        let Some(owner_node) = owner_node else {
            continue;
        };
        let Some(owner_entries) = owner_node.as_map() else {
            continue;
        };
        let Some(ai) = owner_entries
            .iter()
            .position(|(k, _)| k.as_scalar() == Some("allow"))
        else {
            continue;
        };
        let (allow_key, allow) = &owner_entries[ai];
        let Some(entries) = allow.as_map() else {
            continue;
        };
        let fix = |d: &Diagnostic, rule: &str, edits: Vec<Edit>, skipped: Option<String>| Fix {
            rule: d.rule.clone(),
            path: d.path.clone(),
            title: format!("remove the unused `allow` of `{rule}`"),
            edits,
            skipped,
        };
        // written elsewhere (a merge key brought it) or shared through an anchor
        let inside = |n: &Node| {
            n.span.start() >= owner_node.span.start() && n.span.end() <= owner_node.span.end()
        };
        // a node held twice inside the `allow:` (or holding it): it is shared
        let contains = |(s, e): &(usize, usize)| *s < allow.span.end() && allow.span.start() < *e;
        let between =
            &text[allow_key.span.end().min(text.len())..allow.span.start().min(text.len())];
        let anchored_here = between.contains('&');
        if !owner.is_empty() && (!inside(allow_key) || !inside(allow))
            || repeated.iter().any(contains)
            || anchored_here
        {
            let why = "not fixed automatically: this `allow` is shared through an anchor, alias or merge key, and removing it would change the others that use it; remove it where it is written if none of them needs it".to_string();
            out.extend(
                members
                    .iter()
                    .map(|(r, d)| fix(d, r, Vec::new(), Some(why.clone()))),
            );
            continue;
        }
        // an alias to an `allow:` written elsewhere: its entries are that text, which
        // only the whole alias's removal leaves alone
        let aliased = entries.iter().any(|(k, v)| !inside(k) || !inside(v));
        let unused_at: Vec<bool> = entries
            .iter()
            .map(|(k, _)| {
                k.as_scalar()
                    .is_some_and(|r| members.iter().any(|(m, _)| *m == r))
            })
            .collect();
        let edit_of: Vec<Option<Edit>> = if unused_at.iter().all(|&u| u) {
            let whole = remove_entry(src, owner_node, owner_entries, ai);
            vec![Some(whole); entries.len()]
        } else if aliased && !owner.is_empty() {
            let why = "not fixed automatically: this `allow` is an alias of one written elsewhere, and some of its entries are in use; remove the unused ones where the anchor is written if nothing else needs them".to_string();
            out.extend(
                members
                    .iter()
                    .map(|(r, d)| fix(d, r, Vec::new(), Some(why.clone()))),
            );
            continue;
        } else if !is_flow(text, allow) {
            (0..entries.len())
                .map(|i| unused_at[i].then(|| remove_entry(src, allow, entries, i)))
                .collect()
        } else {
            flow_runs(text, entries, &unused_at)
        };
        for (rule, d) in members {
            let Some(i) = entries
                .iter()
                .position(|(k, _)| k.as_scalar() == Some(rule))
            else {
                continue;
            };
            if let Some(e) = &edit_of[i] {
                out.push(fix(d, rule, vec![e.clone()], None));
            }
        }
    }
    out
}

/// `node_at` for many paths under `components`: the components by id, looked up in a
/// hash map rather than by a walk of a mapping of thousands of entries each time.
struct Index<'n, 'a> {
    root: &'n Node<'a>,
    by_id: std::collections::HashMap<&'a str, &'n Node<'a>>,
}

impl<'n, 'a> Index<'n, 'a> {
    fn new(root: &'n Node<'a>) -> Self {
        let by_id = root
            .get("components")
            .and_then(|c| c.as_map())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_scalar()?, v)))
                    .collect()
            })
            .unwrap_or_default();
        Index { root, by_id }
    }

    /// The node at `path`: under a component found by its id (the longest id that
    /// fits, ids may hold dots), else by [`node_at`].
    fn find(&self, path: &str) -> Option<&'n Node<'a>> {
        if let Some(rest) = path.strip_prefix("components.") {
            let ends = rest
                .char_indices()
                .filter(|(_, c)| matches!(c, '.' | '['))
                .map(|(i, _)| i)
                .chain(std::iter::once(rest.len()));
            let mut cuts: Vec<usize> = ends.collect();
            cuts.reverse();
            for cut in cuts {
                if let Some(n) = self.by_id.get(&rest[..cut]) {
                    let tail = rest[cut..].trim_start_matches('.');
                    return if tail.is_empty() {
                        Some(n)
                    } else {
                        node_at(n, tail)
                    };
                }
            }
        }
        node_at(self.root, path)
    }
}

/// In a flow mapping, one edit per run of consecutive unused entries (at least one
/// entry stays): up to the next kept entry's key, or, for a run at the end, from the
/// end of the kept entry before it.
fn flow_runs(text: &str, entries: &[(Node, Node)], unused_at: &[bool]) -> Vec<Option<Edit>> {
    let mut out: Vec<Option<Edit>> = vec![None; entries.len()];
    let mut i = 0;
    while i < entries.len() {
        if !unused_at[i] {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < entries.len() && unused_at[j + 1] {
            j += 1;
        }
        let (start, end) = if j + 1 < entries.len() {
            (entries[i].0.span.start(), entries[j + 1].0.span.start())
        } else {
            let prev = &entries[i - 1];
            let last = &entries[j];
            (
                end_of(text, &prev.1).max(prev.0.span.end()),
                end_of(text, &last.1).max(last.0.span.end()),
            )
        };
        let e = Edit {
            start,
            end,
            text: String::new(),
        };
        for slot in &mut out[i..=j] {
            *slot = Some(e.clone());
        }
        i = j + 1;
    }
    out
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
    let mut out: Vec<Fix> = unused_allow_fixes(src, root, &unused);
    out.extend(diags.iter().filter_map(|d| match d.rule.as_str() {
        crate::rules::UNUSED_ALLOW => None,
        id => crate::rules::find(id)?.fix?(src, root, d),
    }));
    // entries of one run (or of one whole `allow:`) share an edit: the later fixes
    // keep none of their own; a fix overlapping an earlier one otherwise is left for
    // the next run. Edits taken are kept by start, so each check is a lookup.
    let mut taken: std::collections::BTreeMap<usize, Vec<Edit>> = std::collections::BTreeMap::new();
    let overlaps = |taken: &std::collections::BTreeMap<usize, Vec<Edit>>, e: &Edit| {
        let hi = e.end.max(e.start + 1);
        // an edit starting before `hi` that ends after `e.start`; edits taken never
        // overlap each other, so the one starting last before `hi` is the only candidate
        // besides those starting exactly at `e.start`
        taken.range(..hi).next_back().is_some_and(|(_, es)| {
            es.iter()
                .any(|t| t != e && e.start < t.end.max(t.start + 1))
        })
    };
    out.retain_mut(|f| {
        if f.skipped.is_some() {
            return true;
        }
        if f.edits
            .iter()
            .all(|e| taken.get(&e.start).is_some_and(|es| es.contains(e)))
        {
            f.edits.clear();
            return true;
        }
        let clash = f.edits.iter().any(|e| overlaps(&taken, e));
        if !clash {
            for e in &f.edits {
                taken.entry(e.start).or_default().push(e.clone());
            }
        }
        !clash
    });
    out
}

/// Apply edits (non-overlapping) to a text, in one pass over it: linear in the text
/// and the edits, however many there are (an edit out of bounds, overlapping one
/// before it or off a character boundary is skipped).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut es: Vec<&Edit> = edits.iter().collect();
    es.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in es {
        if e.start < at
            || e.end > text.len()
            || e.start > e.end
            || !text.is_char_boundary(e.start)
            || !text.is_char_boundary(e.end)
        {
            continue;
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The end of the line `offset` is on (before its newline).
fn line_end(text: &str, offset: usize) -> usize {
    text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i)
}

/// The column (in bytes) of `offset` on its line.
fn column(text: &str, offset: usize) -> usize {
    offset
        - text[..offset.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1)
}

/// The design with calls added (`archlint drift --fix`): each `(from, to, comment)`
/// becomes an item under `from`'s `calls:` (a new `calls:` when it has none), with the
/// comment at its end; flow collections get the item inside their brackets and the
/// comment at the end of the line. Comments and layout elsewhere are kept. `None` when
/// a component cannot be found or the file does not parse.
pub fn add_calls(src: &SourceFile, adds: &[(String, String, String)]) -> Option<String> {
    let text = src.text.as_str();
    let arena = yaml::Arena::new();
    let parsed = yaml::parse(src, &arena, Default::default()).ok()?;
    let root = &parsed.root;
    // each caller's calls together, and each caller's node by its key: hash lookups,
    // so ten thousand added calls cost no more than ten thousand times one
    let mut by_from: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (from, to, why) in adds {
        by_from.entry(from).or_default().push((to, why));
    }
    let nodes: HashMap<&str, &Node> = root
        .get("components")
        .and_then(Node::as_map)?
        .iter()
        .filter_map(|(k, v)| Some((k.as_scalar()?, v)))
        .collect();
    let mut edits = Vec::new();
    for (from, items) in by_from {
        let comp = *nodes.get(from)?;
        let names: Vec<&str> = items.iter().map(|(t, _)| *t).collect();
        let note = items
            .iter()
            .map(|(t, w)| format!("{t}: {}", w.trim_start_matches("observed: ")))
            .collect::<Vec<_>>()
            .join("; ");
        match comp.entry("calls") {
            Some((_, calls)) if is_flow(text, calls) => {
                let close = end_of(text, calls) - 1; // the `]`
                let empty = calls.as_seq().is_some_and(<[_]>::is_empty);
                let sep = if empty { "" } else { ", " };
                let added = format!("{sep}{}", names.join(", "));
                edits.extend(before_flow_close(text, close, added, &note));
            }
            Some((_, calls)) => {
                let items_seq = calls.as_seq()?;
                let last = items_seq.last()?;
                let indent = column(text, items_seq[0].span.start()).saturating_sub(2);
                let at = line_end(text, end_of(text, last));
                let lines: String = items
                    .iter()
                    .map(|(t, w)| format!("\n{}- to: {t}  # {w}", " ".repeat(indent)))
                    .collect();
                edits.push(Edit {
                    start: at,
                    end: at,
                    text: lines,
                });
            }
            None if is_flow(text, comp) => {
                let close = end_of(text, comp) - 1; // the `}`
                let added = format!(", calls: [{}]", names.join(", "));
                edits.extend(before_flow_close(text, close, added, &note));
            }
            None => {
                let fields = comp.as_map()?;
                let (first_key, _) = fields.first()?;
                let indent = column(text, first_key.span.start());
                let (_, last_value) = fields.last()?;
                let at = line_end(text, end_of(text, last_value));
                let lines: String = items
                    .iter()
                    .map(|(t, w)| format!("\n{}  - to: {t}  # {w}", " ".repeat(indent)))
                    .collect();
                edits.push(Edit {
                    start: at,
                    end: at,
                    text: format!("\n{}calls:{lines}", " ".repeat(indent)),
                });
            }
        }
    }
    edits.sort_by_key(|e| e.start);
    Some(apply(text, &edits))
}

/// Text added inside a flow collection, after its last item and before the blanks
/// and the closing bracket at `close`, with the `# observed:` comment at the end of
/// the bracket's line.
fn before_flow_close(text: &str, close: usize, added: String, note: &str) -> [Edit; 2] {
    let at = text[..close].trim_end().len();
    let eol = line_end(text, close);
    [
        Edit {
            start: at,
            end: at,
            text: added,
        },
        Edit {
            start: eol,
            end: eol,
            text: format!("  # observed: {note}"),
        },
    ]
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
