//! A spanned YAML tree built from `saphyr-parser` events.
//!
//! We build our own tree (rather than deserializing with serde) so that every key and
//! value keeps its byte span, duplicate keys are caught, and hostile input is bounded:
//! nesting depth and alias expansion have hard limits checked while parsing.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::source::{SourceFile, Span};

mod fast;

/// Where a parsed tree lives: every list, mapping and unescaped string of one parse,
/// in a bump arena freed all at once. A node is then 32 bytes and `Copy`, and a
/// container costs exactly its entries: no vector per container, none grown by
/// doubling (on the shared generator's 10k file the tree went from about 40 MB in
/// 200,000 vectors to 19 MB in one chunk; BENCHMARKS.md).
#[derive(Default)]
pub struct Arena(bumpalo::Bump);

impl Arena {
    pub fn new() -> Self {
        Arena::default()
    }
    /// An arena sized for the tree of a text of `len` bytes, so that it is one
    /// allocation rather than a chain of doubling ones: a block-style file's tree
    /// takes about 3.3 bytes per byte of text (2.8 for the examples, 3.3 for the
    /// shared generator's files).
    pub fn for_text(len: usize) -> Self {
        Arena(bumpalo::Bump::with_capacity(len.saturating_mul(7) / 2))
    }
    /// Free everything allocated, keeping the last chunk for what comes next.
    pub fn reset(&mut self) {
        self.0.reset()
    }
    /// A node merging `over` onto `base`, as docker compose merges an override file
    /// onto its base: mappings key by key (recursively), lists one after the other, any
    /// other value replaced by the later one. Built in this arena; spans are the
    /// later node's.
    pub fn merged<'a>(&'a self, base: &Node<'a>, over: &Node<'a>) -> Node<'a> {
        match (&base.value, &over.value) {
            (Value::Map(a), Value::Map(b)) => {
                let mut out: Vec<(Node<'a>, Node<'a>)> = a.to_vec();
                for (k, v) in b.iter() {
                    let same = out.iter().position(|(ok, _)| {
                        ok.as_scalar().is_some() && ok.as_scalar() == k.as_scalar()
                    });
                    match same {
                        Some(i) => out[i].1 = self.merged(&out[i].1, v),
                        None => out.push((*k, *v)),
                    }
                }
                Node {
                    value: Value::Map(self.slice(&out)),
                    span: over.span,
                }
            }
            (Value::Seq(a), Value::Seq(b)) => {
                let both: Vec<Node<'a>> = a.iter().chain(b.iter()).copied().collect();
                Node {
                    value: Value::Seq(self.slice(&both)),
                    span: over.span,
                }
            }
            _ => *over,
        }
    }
    fn slice<'a, T: Copy>(&'a self, items: &[T]) -> &'a [T] {
        if items.is_empty() {
            return &[];
        }
        self.0.alloc_slice_copy(items)
    }
    fn str<'a>(&'a self, text: Cow<'a, str>) -> &'a str {
        match text {
            Cow::Borrowed(t) => t,
            Cow::Owned(t) => self.0.alloc_str(&t),
        }
    }
}

/// A YAML node with the span of its text in the source. Scalars borrow their text
/// from the source where it is written out verbatim (nearly always), else from the
/// [`Arena`], as lists and mappings do: the tree costs little more than its structure.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    pub value: Value<'a>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// A scalar as written; `plain` is false for quoted and block scalars, which are
    /// always strings.
    Scalar {
        text: &'a str,
        plain: bool,
    },
    Seq(&'a [Node<'a>]),
    Map(&'a [(Node<'a>, Node<'a>)]),
}

impl<'a> Node<'a> {
    pub fn as_map(&self) -> Option<&'a [(Node<'a>, Node<'a>)]> {
        match self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&'a [Node<'a>]> {
        match self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    /// The scalar's text, whatever its style.
    pub fn as_scalar(&self) -> Option<&'a str> {
        match self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
    /// True for an empty value, `~` or `null` written plain.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true }
            if matches!(*text, "" | "~" | "null" | "Null" | "NULL"))
    }
    /// A plain `true`/`false` (YAML 1.2 core schema spellings).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar { text, plain: true } => match *text {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
    pub fn is_plain_scalar(&self) -> bool {
        matches!(&self.value, Value::Scalar { plain: true, .. })
    }
    /// A short description of the node's type for error messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
            Value::Scalar { .. } if self.is_null() => "an empty value",
            Value::Scalar { .. } if self.as_bool().is_some() => "a boolean",
            Value::Scalar { text, plain: true } if text.parse::<f64>().is_ok() => "a number",
            Value::Scalar { .. } => "a string",
        }
    }
    /// Look a key up in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.entry(key).map(|(_, v)| v)
    }
    pub fn entry(&self, key: &str) -> Option<(&Node<'a>, &Node<'a>)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
            .map(|(k, v)| (k, v))
    }
    /// The node as JSON, with YAML 1.2 core-schema typing of plain scalars.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Scalar { text, plain } => {
                if !*plain {
                    return J::String(text.to_string());
                }
                if self.is_null() {
                    return J::Null;
                }
                if let Some(b) = self.as_bool() {
                    return J::Bool(b);
                }
                if let Ok(i) = text.parse::<i64>() {
                    return J::from(i);
                }
                match text.parse::<f64>() {
                    Ok(f) if f.is_finite() && !text.contains(|c: char| c.is_alphabetic()) => {
                        J::from(f)
                    }
                    _ => J::String(text.to_string()),
                }
            }
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_scalar().unwrap_or_default().to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }

    fn count(&self) -> usize {
        match &self.value {
            Value::Scalar { .. } => 1,
            Value::Seq(s) => 1 + s.iter().map(Node::count).sum::<usize>(),
            Value::Map(m) => 1 + m.iter().map(|(k, v)| k.count() + v.count()).sum::<usize>(),
        }
    }
}

/// A located problem found while reading the YAML.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub label: String,
    pub span: Span,
    pub help: Option<String>,
    /// Secondary location (e.g. the first definition of a duplicate key).
    pub related: Option<Box<(String, Span)>>,
    /// The line a syntax error is about, when the rest of the file reads without it
    /// (a half-typed key): the file is read again with it blank, and linted.
    pub(crate) skip_line: Option<Span>,
}

impl YamlError {
    fn new(message: impl Into<String>, label: impl Into<String>, span: Span) -> Self {
        YamlError {
            message: message.into(),
            label: label.into(),
            span,
            help: None,
            related: None,
            skip_line: None,
        }
    }
    fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
}

/// Hard limits that keep hostile input cheap to reject.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of mappings and lists.
    pub max_depth: usize,
    /// Most nodes that aliases may add by expansion (billion-laughs guard).
    pub max_alias_nodes: usize,
    /// Most nodes (scalars, lists, mappings) in the document: bounds memory for any
    /// file the size limit lets through.
    pub max_nodes: usize,
    /// Most entries under `components`.
    pub max_components: usize,
}

/// Default for [`Limits::max_components`] (and `--max-components`).
pub const DEFAULT_MAX_COMPONENTS: usize = 100_000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_alias_nodes: 100_000,
            max_nodes: 5_000_000,
            max_components: DEFAULT_MAX_COMPONENTS,
        }
    }
}

/// The parsed document and the non-fatal problems (duplicate keys) found on the way.
pub struct Parsed<'a> {
    pub root: Node<'a>,
    pub problems: Vec<YamlError>,
}

enum Frame<'a> {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node<'a>>,
        flow: bool,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Node<'a>, Node<'a>)>,
        key: Option<Node<'a>>,
        flow: bool,
    },
}

/// Parse one YAML document into a spanned tree, its containers in `arena`.
pub fn parse<'a>(
    src: &'a SourceFile,
    arena: &'a Arena,
    limits: Limits,
) -> Result<Parsed<'a>, YamlError> {
    parse_stream(src, arena, limits, false).map(one_document)
}

/// The root of a one-document parse, with its problems.
fn one_document<'a>((roots, problems): (Vec<Node<'a>>, Vec<YamlError>)) -> Parsed<'a> {
    let root = roots
        .into_iter()
        .next()
        .expect("a one-document parse returns a root");
    Parsed { root, problems }
}

/// Parse every YAML document of a stream (`---`-separated, as Kubernetes manifests
/// are); empty documents are skipped.
pub fn parse_documents<'a>(
    src: &'a SourceFile,
    arena: &'a Arena,
    limits: Limits,
) -> Result<(Vec<Node<'a>>, Vec<YamlError>), YamlError> {
    parse_stream(src, arena, limits, true)
}

fn parse_stream<'a>(
    src: &'a SourceFile,
    arena: &'a Arena,
    limits: Limits,
    multi: bool,
) -> Result<(Vec<Node<'a>>, Vec<YamlError>), YamlError> {
    let text = src.text.as_str();
    if !multi && let Some((root, problems)) = fast::parse(text, arena, limits) {
        return Ok((vec![root], problems));
    }
    let first = match parse_events(text, src, arena, limits, multi) {
        Err(e) => lenient(src, arena, limits, multi).ok_or(e),
        ok => ok,
    };
    let Err(e) = first else { return first };
    without_broken_lines(src, arena, limits, multi, e)
}

/// A syntax error about one line (a half-typed key, a key without its `:`, a key
/// indented past its neighbours) need not stop the rest of the file: read it again
/// with that line blank, the error kept as a problem, so the file is linted without
/// it. Up to eight such lines; any other error stops the file as before.
fn without_broken_lines<'a>(
    src: &'a SourceFile,
    arena: &'a Arena,
    limits: Limits,
    multi: bool,
    first: YamlError,
) -> Result<(Vec<Node<'a>>, Vec<YamlError>), YamlError> {
    let mut bytes = src.text.as_bytes().to_vec();
    let mut errors: Vec<YamlError> = Vec::new();
    let mut current = first;
    for _ in 0..8 {
        let Some(line) = current.skip_line.take() else {
            break;
        };
        for b in &mut bytes[line.start()..line.end()] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
        // only ASCII written over a whole line: still UTF-8 if the line was
        let Ok(blanked) = String::from_utf8(bytes.clone()) else {
            break;
        };
        let text: &'a str = arena.str(Cow::Owned(blanked));
        let pos = SourceFile::new(src.name.clone(), text);
        let parsed = if !multi && let Some((root, problems)) = fast::parse(text, arena, limits) {
            Ok((vec![root], problems))
        } else {
            parse_events(text, &pos, arena, limits, multi)
        };
        match parsed {
            Ok((roots, mut problems)) => {
                errors.push(current);
                errors.append(&mut problems);
                return Ok((roots, errors));
            }
            Err(next) => errors.push(std::mem::replace(&mut current, next)),
        }
    }
    // not recovered: the first error stops the file
    Err(errors.into_iter().next().unwrap_or(current))
}

/// What libyaml, Go's yaml.v3 and docker compose accept and the YAML 1.2 parser does
/// not: the lines of a flow collection indented anyhow (its closing bracket in its
/// key's column), and a tab separating a key's `:` from its value. Parsed again with
/// every line break and comment inside brackets, and each such tab, made a space: the
/// same bytes at the same offsets, so every span stays right. `None` when the text
/// has neither or is wrong anyway.
fn lenient<'a>(
    src: &'a SourceFile,
    arena: &'a Arena,
    limits: Limits,
    multi: bool,
) -> Option<(Vec<Node<'a>>, Vec<YamlError>)> {
    let joined = flows_on_one_line(&src.text)?;
    let text: &'a str = arena.str(Cow::Owned(joined));
    let pos = SourceFile::new(src.name.clone(), text);
    parse_events(text, &pos, arena, limits, multi).ok()
}

/// The line holding byte `at`, without its line break.
fn src_line(text: &str, at: usize) -> Span {
    let start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let end = text[at..].find('\n').map_or(text.len(), |p| at + p);
    Span::new(start, end)
}

/// Whether only spaces and tabs lie between the start of the line and `at`.
fn line_start_blank(b: &[u8], at: usize) -> bool {
    b[..at]
        .iter()
        .rev()
        .take_while(|&&c| c != b'\n')
        .all(|&c| c == b' ' || c == b'\t')
}

/// `text` with the line breaks and comments inside `[...]` and `{...}` made spaces,
/// and the tabs right after a `:` or a list's `-` (outside quotes); `None` when there
/// are none.
fn flows_on_one_line(text: &str) -> Option<String> {
    let mut b = text.as_bytes().to_vec();
    let mut depth = 0usize;
    let mut changed = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n') => {
                while i < b.len() && b[i] != b'\n' {
                    if depth > 0 {
                        b[i] = b' ';
                        changed = true;
                    }
                    i += 1;
                }
                continue;
            }
            q @ (b'"' | b'\'')
                if i == 0 || matches!(b[i - 1], b' ' | b'[' | b'{' | b',' | b':' | b'\n') =>
            {
                i += 1;
                while i < b.len() && b[i] != q {
                    if q == b'"' && b[i] == b'\\' {
                        i += 1;
                    } else if b[i] == b'\n' && depth > 0 {
                        b[i] = b' ';
                        changed = true;
                    }
                    i += 1;
                }
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' if depth > 0 => {
                b[i] = b' ';
                changed = true;
            }
            b'\t'
                if i > 0 && matches!(b[i - 1], b':' | b'-' | b' ') && !line_start_blank(&b, i) =>
            {
                // separation, not indentation (which stays an error)
                let mut j = i;
                while j < b.len() && b[j] == b'\t' {
                    b[j] = b' ';
                    j += 1;
                }
                changed = true;
            }
            _ => {}
        }
        i += 1;
    }
    // only ASCII bytes were replaced by ASCII: still UTF-8
    changed.then(|| String::from_utf8(b).expect("ASCII replaced by ASCII"))
}

/// [`parse_stream`] by `saphyr-parser`'s events: any YAML, every error located.
fn parse_events<'a>(
    text: &'a str,
    src: &SourceFile,
    arena: &'a Arena,
    limits: Limits,
    multi: bool,
) -> Result<(Vec<Node<'a>>, Vec<YamlError>), YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut alias_nodes = 0usize;
    let mut nodes = 0usize;
    let mut problems = Vec::new();
    let mut roots: Vec<Node> = Vec::new();
    let mut documents = 0usize;

    let to_span = |s: &saphyr_parser::Span| -> Span {
        let a = src.offset_of_marker(s.start.index(), s.start.line(), s.start.col());
        let b = src.offset_of_marker(s.end.index(), s.end.line(), s.end.col());
        Span::new(a, b)
    };

    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let m = e.marker();
                let at = src.offset_of(m.line(), m.col());
                return Err(syntax_error(e.info(), at, text));
            }
        };
        let sp = to_span(&span);
        let finished: Option<Node> = match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => None,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 && !multi {
                    return Err(YamlError::new(
                        "the file holds more than one YAML document",
                        "a second document starts here",
                        Span::new(sp.start(), sp.start() + 3.min(text.len() - sp.start())),
                    )
                    .help("an architecture file is one document: remove this `---` and what follows, or move it to its own file"));
                }
                None
            }
            Event::Alias(id) => {
                let Some(target) = anchors.get(&id) else {
                    return Err(unknown_anchor(text, sp.start()));
                };
                alias_nodes += target.count();
                if alias_nodes > limits.max_alias_nodes {
                    return Err(YamlError::new(
                        format!(
                            "aliases expand to more than {} nodes",
                            limits.max_alias_nodes
                        ),
                        "expansion limit reached at this alias",
                        sp,
                    )
                    .help("this looks like an alias bomb; write the repeated parts out, or use fewer nested aliases"));
                }
                let mut n = *target;
                n.span = sp;
                Some(n)
            }
            Event::Scalar(value, style, anchor, _tag) => {
                count_node(&mut nodes, limits, sp)?;
                let mut sp = sp;
                if sp.end() <= sp.start() && !value.is_empty() {
                    sp = Span::new(sp.start(), (sp.start() + value.len()).min(text.len()));
                }
                let node = Node {
                    value: Value::Scalar {
                        text: arena.str(borrow_verbatim(text, sp, value)),
                        plain: style == ScalarStyle::Plain,
                    },
                    span: sp,
                };
                if anchor != 0 {
                    anchors.insert(anchor, node);
                }
                Some(node)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                count_node(&mut nodes, limits, sp)?;
                if stack.len() >= limits.max_depth {
                    return Err(YamlError::new(
                        format!("nesting is deeper than {} levels", limits.max_depth),
                        "too deep",
                        sp,
                    )
                    .help("an architecture file needs only a few levels; flatten this structure"));
                }
                let flow = matches!(text.as_bytes().get(sp.start()), Some(b'[' | b'{'));
                let is_seq = matches!(event, Event::SequenceStart(..));
                stack.push(if is_seq {
                    Frame::Seq {
                        start: sp.start(),
                        anchor,
                        items: Vec::new(),
                        flow,
                    }
                } else {
                    Frame::Map {
                        start: sp.start(),
                        anchor,
                        entries: Vec::new(),
                        key: None,
                        flow,
                    }
                });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq {
                    start,
                    anchor,
                    items,
                    flow,
                }) => {
                    let end = if flow {
                        sp.end().max(sp.start() + 1).min(text.len())
                    } else {
                        items.last().map_or(start, |n| n.span.end())
                    };
                    let node = Node {
                        value: Value::Seq(arena.slice(&items)),
                        span: Span::new(start, end),
                    };
                    if anchor != 0 {
                        anchors.insert(anchor, node);
                    }
                    Some(node)
                }
                _ => unreachable_frame(sp)?,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    start,
                    anchor,
                    entries,
                    flow,
                    ..
                }) => {
                    check_duplicates(&entries, &mut problems);
                    let end = if flow {
                        sp.end().max(sp.start() + 1).min(text.len())
                    } else {
                        entries.last().map_or(start, |(_, v)| v.span.end())
                    };
                    // after the end is known: merged entries are written elsewhere
                    let entries = merge_keys(arena, arena.slice(&entries), &mut problems);
                    let node = Node {
                        value: Value::Map(entries),
                        span: Span::new(start, end),
                    };
                    if anchor != 0 {
                        anchors.insert(anchor, node);
                    }
                    Some(node)
                }
                _ => unreachable_frame(sp)?,
            },
        };
        if let Some(node) = finished {
            match stack.last_mut() {
                None => roots.push(node),
                Some(Frame::Seq { items, .. }) => items.push(node),
                Some(Frame::Map { entries, key, .. }) => match key.take() {
                    None => *key = Some(node),
                    Some(k) => entries.push((k, node)),
                },
            }
        }
    }

    if roots.is_empty() {
        return Err(YamlError::new(
            "the file is empty",
            "no YAML document here",
            Span::new(0, 0),
        )
        .help("start with `name: my-system` and a `components:` mapping (`archlint init` writes a starter file)"));
    }
    Ok((roots, problems))
}

fn unreachable_frame<'a>(sp: Span) -> Result<Option<Node<'a>>, YamlError> {
    Err(YamlError::new(
        "malformed YAML structure",
        "unbalanced here",
        sp,
    ))
}

/// Apply YAML merge keys (`<<: *base` or `<<: [*a, *b]`), as docker-compose and most
/// YAML loaders do: the merged mappings' entries are added unless the mapping sets the
/// key itself (an earlier source wins over a later one). Merged entries keep the spans
/// of where they are written, so a finding about one points at the anchored text.
fn merge_keys<'a>(
    arena: &'a Arena,
    entries: &'a [(Node<'a>, Node<'a>)],
    problems: &mut Vec<YamlError>,
) -> &'a [(Node<'a>, Node<'a>)] {
    let is_merge = |k: &Node| k.is_plain_scalar() && k.as_scalar() == Some("<<");
    if !entries.iter().any(|(k, _)| is_merge(k)) {
        return entries;
    }
    let (merges, mut out): (Vec<_>, Vec<_>) =
        entries.iter().copied().partition(|(k, _)| is_merge(k));
    let mut sources = Vec::new();
    for (k, v) in merges {
        match v.value {
            Value::Map(m) => sources.push(m),
            Value::Seq(items) if items.iter().all(|i| i.as_map().is_some()) => {
                sources.extend(items.iter().filter_map(|i| match i.value {
                    Value::Map(m) => Some(m),
                    _ => None,
                }));
            }
            _ => problems.push(
                YamlError::new(
                    format!("`<<` merges mappings, found {}", v.type_name()),
                    "not a mapping to merge",
                    Span::new(k.span.start(), v.span.end().max(k.span.end())),
                )
                .help("write `<<: *anchor` with the anchor of a mapping, or `<<: [*a, *b]`"),
            ),
        }
    }
    // a set, not a scan: merged mappings can be large (the alias budget bounds them)
    let mut seen: std::collections::HashSet<String> = out
        .iter()
        .filter_map(|(k, _)| k.as_scalar().map(str::to_string))
        .collect();
    for source in sources {
        for &(k, v) in source {
            if k.as_scalar().is_none_or(|t| seen.insert(t.to_string())) {
                out.push((k, v));
            }
        }
    }
    arena.slice(&out)
}

fn check_duplicates(entries: &[(Node, Node)], problems: &mut Vec<YamlError>) {
    if entries.len() < 2 {
        return;
    }
    if entries.len() <= 12 {
        // small mappings (nearly all of them): a quadratic scan beats hashing
        for (i, (k, _)) in entries.iter().enumerate() {
            let Some(t) = k.as_scalar() else { continue };
            if let Some((first, _)) = entries[..i].iter().find(|(f, _)| f.as_scalar() == Some(t)) {
                problems.push(duplicate(t, k.span, first.span));
            }
        }
        return;
    }
    let mut seen: HashMap<&str, Span, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(entries.len(), Default::default());
    for (k, _) in entries {
        if let Some(t) = k.as_scalar() {
            if let Some(first) = seen.get(t) {
                problems.push(duplicate(t, k.span, *first));
            } else {
                seen.insert(t, k.span);
            }
        }
    }
}

fn count_node(nodes: &mut usize, limits: Limits, at: Span) -> Result<(), YamlError> {
    *nodes += 1;
    if *nodes > limits.max_nodes {
        return Err(YamlError::new(
            format!("the file has more than {} YAML nodes", limits.max_nodes),
            "node limit reached here",
            Span::new(at.start(), at.start()),
        )
        .help(
            "an architecture file needs far fewer values than this; split it into several files",
        ));
    }
    Ok(())
}

/// The scalar's text, borrowed from the source when it is written there verbatim.
fn borrow_verbatim<'a>(text: &'a str, sp: Span, value: Cow<'a, str>) -> Cow<'a, str> {
    match value {
        Cow::Borrowed(_) => value,
        Cow::Owned(v) => match text.get(sp.range()) {
            Some(t) if t == v => Cow::Borrowed(t),
            _ => Cow::Owned(v),
        },
    }
}

fn duplicate(key: &str, again: Span, first: Span) -> YamlError {
    let mut e = YamlError::new(
        format!("duplicate key `{key}`"),
        "defined again here",
        again,
    )
    .help("YAML keeps only one of the two; merge them or rename one");
    e.related = Some(Box::new(("first defined here".into(), first)));
    e
}

/// An alias `*name` at `at` whose anchor is not defined (before it).
fn unknown_anchor(text: &str, at: usize) -> YamlError {
    let name: String = text[at..]
        .trim_start_matches('*')
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
        .collect();
    let end = (at + 1 + name.len()).min(text.len());
    YamlError::new(
        format!("alias `*{name}` refers to an anchor that is not defined"),
        "unknown anchor",
        Span::new(at, end.max(at)),
    )
    .help(format!(
        "define the anchor before the alias, as `&{name}` on the value to repeat, or write the value out"
    ))
}

/// Make the scanner's message read like ours and point at a visible character.
fn syntax_error(info: &str, at: usize, text: &str) -> YamlError {
    let at = at.min(text.len());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let mut e = YamlError::new(
        format!("invalid YAML: {info}"),
        "the YAML parser stopped here",
        Span::new(at, end),
    );
    if info.contains("unknown anchor") {
        e = unknown_anchor(text, at);
    } else if info.contains("recursion limit") {
        // The scanner reads flow collections (`[[[[…`) ahead of the events that our
        // own depth limit counts, so very deep flow nesting is stopped here.
        e = YamlError::new(
            "nesting is too deep for the YAML parser".to_string(),
            "too deep",
            Span::new(at, end),
        )
        .help("an architecture file needs only a few levels; flatten this structure");
    } else if info.contains("tab") {
        e = e.help("YAML does not allow tabs for indentation; indent with spaces");
    } else if info.contains("mapping values are not allowed") {
        e = e.help("a `key: value` is in a place where YAML does not expect one; check the indentation and quote values containing `: `");
    } else if info.contains("quoted scalar") {
        e = e.help("a quoted string starts here and is not closed; add the matching quote, or escape a quote inside it");
    } else if info.contains("':' indicator") {
        e = e.help("a `:` is not allowed here: a `[` or `{` above is probably not closed, or a value containing `: ` needs quotes");
    } else if info.contains("flow sequence") {
        e = e.help("a `[...]` list is not closed, or two of its items lack a `,` between them");
    } else if info.contains("flow mapping") {
        e = e
            .help("a `{...}` mapping is not closed, or two of its entries lack a `,` between them");
    } else if info.contains("block mapping") || info.contains("block sequence") {
        e = e.help("check the indentation: the keys of one mapping (and the `-` items of one list) must start in the same column");
    } else if info.contains("unexpected character") {
        // libyaml style "`@'" quoting, made consistent
        if let Some(stripped) = info.strip_suffix('\'') {
            e.message = format!("invalid YAML: {stripped}`");
        }
        e = e.help("this character cannot start a plain value in YAML (`@` and `` ` `` are reserved); put the value in quotes");
    } else {
        e = e.help("check the indentation and quoting around this line");
    }
    if let Some(better) = misplaced_line(info, at, text) {
        return better;
    }
    let here = text[at..].chars().next();
    if info.contains("misplaced bracket") && matches!(here, Some(']' | '}')) {
        let c = here.unwrap_or(']');
        let open = if c == ']' { '[' } else { '{' };
        return YamlError::new(
            format!("this `{c}` closes nothing: no `{open}` is open here"),
            "stray bracket",
            Span::new(at, end),
        )
        .help(format!(
            "remove it, or add the `{open}` it was meant to close"
        ));
    }
    if let (Some(c @ (']' | '}')), Some((open, o))) = (here, open_flow(text, at)) {
        let want = if o == '{' { '}' } else { ']' };
        if c != want {
            let mut e = YamlError::new(
                format!("`{c}` cannot close the `{o}` opened before it"),
                format!("expected `{want}` or `,`"),
                Span::new(at, end),
            )
            .help(format!("write `{want}` to close the `{o}`"));
            e.related = Some(Box::new((
                format!("the `{o}` it would close"),
                Span::new(open, open + 1),
            )));
            return e;
        }
    }
    // A `{` or `[` left open above the error is the usual cause of many scanner
    // messages ("invalid indentation in flow construct", a `:` where none is allowed):
    // name it, and point at it.
    if let Some((open, c)) = unclosed_flow(text, at) {
        let close = if c == '{' { '}' } else { ']' };
        let what = if c == '{' { "mapping" } else { "list" };
        e = e.help(format!(
            "the flow {what} opened with `{c}` is not closed: add `{close}` where it ends"
        ));
        e.related = Some(Box::new((
            format!("this `{c}` is never closed"),
            Span::new(open, open + 1),
        )));
    }
    e
}

/// The line a scanner error is really about, when the scanner stops one line late or
/// names a symptom: a half-typed key or a key without its `:` (the scanner reads it
/// and the next line as one text, and stops at the next `:`), or a key indented more
/// or less than the keys around it.
fn misplaced_line(info: &str, at: usize, text: &str) -> Option<YamlError> {
    let lines = |upto: usize| {
        text[..upto]
            .rsplit('\n')
            .map(str::trim_end)
            .filter(|l| !l.trim_start().is_empty() && !l.trim_start().starts_with('#'))
    };
    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let here = &text[line_start..text[at..].find('\n').map_or(text.len(), |p| at + p)];
    let indent = |l: &str| l.len() - l.trim_start().len();
    let key_of = |l: &str| -> Option<String> {
        let t = l.trim_start().trim_start_matches("- ");
        let (k, _) = t.split_once(':')?;
        (!k.is_empty() && !k.contains(' ')).then(|| k.to_string())
    };
    let looks_like_text = |l: &str| {
        let t = l.trim_start();
        !t.contains(": ")
            && !t.ends_with(':')
            && !t.starts_with(['-', '[', '{', '"', '\'', '|', '>', '&', '*', '!', '#'])
    };
    let one_late =
        info.contains("simple key expect ':'") || info.contains("could not find expected ':'");
    let colon_here = info.contains("mapping values are not allowed");
    if one_late || colon_here {
        // the line before the one the scanner stopped on, if it has no `:`
        let before = lines(line_start.saturating_sub(1)).next();
        // (a `:` that is not allowed blames the line above only when it is not a more
        // indented continuation; a key left without its `:` is the line above)
        if let Some(prev) =
            before.filter(|p| looks_like_text(p) && (one_late || indent(p) <= indent(here) + 2))
        {
            let start = text[..line_start.saturating_sub(1)]
                .rfind(prev)
                .map(|p| p + indent(prev))?;
            let word = prev.trim();
            let span = Span::new(start, start + word.len());
            let (message, help) = match word.split_once(' ') {
                Some((k, v)) if !k.is_empty() => (
                    format!("`{word}` is not a `key: value`: there is no `:` after `{k}`"),
                    format!("write `{k}: {}`", v.trim()),
                ),
                _ => (
                    format!("`{word}` has no `:`: a key must be followed by `:` and its value"),
                    format!("finish it as `{word}: value`, or remove the line"),
                ),
            };
            let line = src_line(text, start);
            let mut e = YamlError::new(message, "no `:` here", span).help(help);
            e.skip_line = Some(line);
            return Some(e);
        }
    }
    if colon_here {
        // a key indented more than the key above it, which has its value on its line
        let prev = lines(line_start.saturating_sub(1)).next()?;
        if indent(here) > indent(prev) && prev.trim_end().contains(": ") && !prev.ends_with(':') {
            let key = key_of(here)?;
            let start = line_start + indent(here);
            let mut e = YamlError::new(
                format!(
                    "`{key}` is indented more than `{}` above it, so it reads as part of that value",
                    key_of(prev).unwrap_or_default()
                ),
                format!("column {}", indent(here) + 1),
                Span::new(start, start + key.len()),
            )
            .help(format!(
                "start `{key}` in column {}, as the keys around it",
                indent(prev) + 1
            ));
            e.skip_line = Some(src_line(text, start));
            return Some(e);
        }
    }
    if info.contains("did not find expected key") {
        // a key between the columns of its mapping and of the mapping around it
        let key = key_of(here)?;
        let mine = indent(here);
        let above = lines(line_start.saturating_sub(1))
            .map(indent)
            .find(|&c| c != mine)?;
        let parent = lines(line_start.saturating_sub(1)).find(|l| indent(l) < mine)?;
        if above > mine {
            let start = line_start + mine;
            let owner = key_of(parent).unwrap_or_default();
            return Some(
                YamlError::new(
                    format!(
                        "`{key}` starts in column {}, which is no mapping's column here",
                        mine + 1
                    ),
                    "indentation does not match",
                    Span::new(start, start + key.len()),
                )
                .help(format!(
                    "start it in column {} to be a field of `{owner}` (as the keys above), or in column {} to stand beside `{owner}`",
                    above + 1,
                    indent(parent) + 1
                )),
            );
        }
    }
    None
}

/// The innermost `{` or `[` still open at byte `at` (quotes and comments skipped),
/// when the error is on a later line than it.
fn unclosed_flow(text: &str, at: usize) -> Option<(usize, char)> {
    let (open, c) = open_flow(text, at)?;
    text[open..at.min(text.len())]
        .contains('\n')
        .then_some((open, c))
}

/// The innermost `{` or `[` still open at byte `at` (quotes and comments skipped).
fn open_flow(text: &str, at: usize) -> Option<(usize, char)> {
    let mut stack: Vec<(usize, char)> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let end = at.min(text.len());
    while i < end {
        match bytes[i] {
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                while i < end && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'')
                if i == 0 || matches!(bytes[i - 1], b' ' | b'[' | b'{' | b',' | b':') =>
            {
                i += 1;
                while i < end && bytes[i] != q && bytes[i] != b'\n' {
                    if q == b'"' && bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'{' => stack.push((i, '{')),
            b'[' => stack.push((i, '[')),
            b'}' | b']' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack.last().copied()
}

#[cfg(any(test, feature = "fuzzing"))]
/// The tree and problems as text: every node's kind, span, text and style.
fn dump(r: &Result<(Vec<Node>, Vec<YamlError>), YamlError>) -> String {
    fn node(n: &Node, out: &mut String) {
        match &n.value {
            Value::Scalar { text, plain } => {
                out.push_str(&format!("S{plain} {:?} {text:?}\n", n.span));
            }
            Value::Seq(items) => {
                out.push_str(&format!("[ {:?}\n", n.span));
                items.iter().for_each(|i| node(i, out));
                out.push_str("]\n");
            }
            Value::Map(es) => {
                out.push_str(&format!("{{ {:?}\n", n.span));
                for (k, v) in *es {
                    node(k, out);
                    node(v, out);
                }
                out.push_str("}\n");
            }
        }
    }
    let mut out = String::new();
    match r {
        Ok((roots, problems)) => {
            roots.iter().for_each(|r| node(r, &mut out));
            for p in problems {
                out.push_str(&format!(
                    "problem {} {:?} {:?}\n",
                    p.message, p.span, p.related
                ));
            }
        }
        Err(e) => out.push_str(&format!("error {} {:?}", e.message, e.span)),
    }
    out
}

/// For tests and fuzzing (the `fuzzing` feature): whether the fast path takes `text`
/// (`Ok(true)`) or leaves it to the full parser (`Ok(false)`); `Err` with both trees
/// when it takes the text and builds anything but what the full parser builds.
#[cfg(any(test, feature = "fuzzing"))]
pub fn fast_agrees(text: &str) -> Result<bool, String> {
    let src = SourceFile::new("t.yaml", text);
    let limits = Limits::default();
    let (a, b) = (Arena::new(), Arena::new());
    let fast = fast::parse(&src.text, &a, limits).map(|(root, problems)| (vec![root], problems));
    let full = parse_events(&src.text, &src, &b, limits, false);
    let Some(fast) = fast else {
        return Ok(false);
    };
    let (fast, full) = (dump(&Ok(fast)), dump(&full));
    if fast == full {
        Ok(true)
    } else {
        Err(format!(
            "fast path differs on:\n{text}\n--- fast\n{fast}\n--- full parser\n{full}"
        ))
    }
}

#[cfg(test)]
mod tests;
