use super::*;

/// Every architecture file in the repository (examples, fixtures, rule packs) is
/// in the fast path's subset, and it builds exactly the full parser's tree.
#[test]
fn fast_path_matches_the_parser() {
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let mut files = Vec::new();
    let mut dirs = vec![root.join("examples"), root.join("tests/fixtures")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                files.push(p);
            }
        }
    }
    let (mut fast, mut total) = (0, 0);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        total += 1;
        match fast_agrees(&text) {
            Ok(true) => fast += 1,
            Ok(false) => {}
            Err(e) => panic!("{}: {e}", f.display()),
        }
    }
    let examples: Vec<_> = files
        .iter()
        .filter(|f| f.starts_with(root.join("examples")))
        .collect();
    for f in &examples {
        let text = std::fs::read_to_string(f).unwrap();
        assert_eq!(
            fast_agrees(&text),
            Ok(true),
            "{} is not in the fast path's subset",
            f.display()
        );
    }
    eprintln!("fast path took {fast} of {total} files");
    assert!(
        fast * 2 > total,
        "the fast path took only {fast} of {total} files"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
    /// Lines in the shapes architecture files have, and many they should not, at
    /// random indentation: whenever the fast path takes the text, its tree and
    /// problems are the full parser's (and it never takes text the parser rejects).
    #[test]
    fn fast_path_agrees_on_random_documents(
        lines in proptest::collection::vec((0usize..7, 0usize..LINES.len(), 0usize..KEYS.len(), 0usize..VALUES.len()), 1..14)
    ) {
        let mut text = String::new();
        for (indent, shape, k, v) in lines {
            let line = LINES[shape].replace('K', KEYS[k]).replace('V', VALUES[v]);
            text.push_str(&" ".repeat(indent));
            text.push_str(&line);
            text.push('\n');
        }
        let agreed = fast_agrees(&text);
        proptest::prop_assert!(agreed.is_ok(), "{}", agreed.unwrap_err());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
    /// Well-formed block documents (mappings, lists, compact lists, `- key:` items,
    /// flow values, comments, blank lines, trailing spaces) at random indentation
    /// steps, with now and then a value outside the subset: the fast path takes
    /// most of them and must agree with the full parser on each.
    #[test]
    fn fast_path_agrees_on_random_block_documents(seed in proptest::prelude::any::<u64>()) {
        let text = random_document(seed);
        let agreed = fast_agrees(&text);
        proptest::prop_assert!(agreed.is_ok(), "{}", agreed.unwrap_err());
    }
}

/// A random block document from `seed` (xorshift; no dependency needed).
fn random_document(seed: u64) -> String {
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }
    fn filler(r: &mut Rng, out: &mut String, indent: usize) {
        match r.next(8) {
            0 => out.push('\n'),
            1 => out.push_str(&format!("{}# note\n", " ".repeat(r.next(indent + 2)))),
            _ => {}
        }
    }
    fn scalar(r: &mut Rng) -> String {
        const OK: &[&str] = &[
            "x",
            "100ms",
            "3",
            "true",
            "'q r'",
            "\"s\"",
            "a b",
            "http://h:9/p",
            "[a, b]",
            "{a: b, c: [d]}",
            "{ }",
            "[ ]",
            "99.9%",
            "-1",
            "é",
        ];
        let v = if r.next(20) == 0 {
            VALUES[r.next(VALUES.len())]
        } else {
            OK[r.next(OK.len())]
        };
        let tail = ["", "", "  ", " # c", "   # c"][r.next(5)];
        format!("{v}{tail}")
    }
    fn map(r: &mut Rng, out: &mut String, indent: usize, depth: usize, first_inline: bool) {
        let n = 1 + r.next(4);
        for i in 0..n {
            if !(first_inline && i == 0) {
                filler(r, out, indent);
                out.push_str(&" ".repeat(indent));
            }
            let key = ["a", "b", "kind", "to", "x-y", "1", "calls", "c d"][r.next(8)];
            out.push_str(key);
            match if depth > 3 { 0 } else { r.next(6) } {
                0..=2 => out.push_str(&format!(": {}\n", scalar(r))),
                3 => {
                    out.push_str(":\n");
                    let step = [1, 2, 2, 4][r.next(4)];
                    map(r, out, indent + step, depth + 1, false);
                }
                4 => {
                    out.push_str(":\n");
                    let step = [0, 2, 2, 3][r.next(4)];
                    seq(r, out, indent + step, depth + 1);
                }
                _ => out.push_str(if r.next(2) == 0 { ":\n" } else { ": # empty\n" }),
            }
        }
    }
    fn seq(r: &mut Rng, out: &mut String, indent: usize, depth: usize) {
        for _ in 0..1 + r.next(3) {
            filler(r, out, indent);
            out.push_str(&" ".repeat(indent));
            match if depth > 3 { 0 } else { r.next(5) } {
                0 | 1 => out.push_str(&format!("- {}\n", scalar(r))),
                2 | 3 => {
                    let gap = 1 + r.next(2);
                    out.push('-');
                    out.push_str(&" ".repeat(gap));
                    map(r, out, indent + 1 + gap, depth + 1, true);
                }
                _ => {
                    out.push_str(if r.next(2) == 0 { "-\n" } else { "- \n" });
                    if r.next(2) == 0 {
                        map(r, out, indent + 2, depth + 1, false);
                    }
                }
            }
        }
    }
    let mut r = Rng(seed | 1);
    let mut out = String::new();
    if r.next(3) == 0 {
        out.push_str("# a comment first\n\n");
    }
    map(&mut r, &mut out, 0, 0, false);
    out
}

const LINES: &[&str] = &[
    "K: V",
    "K: V",
    "K: V",
    "K:",
    "K:",
    "- V",
    "- V",
    "-",
    "- K: V",
    "- K:",
    "K: [V, V]",
    "K: {K: V, K: }",
    "K: V  # c",
    "# c",
    "",
    "  ",
    "- - V",
    "K: [V, {K: [V]}]",
    "K: {K: [V, V], K: V }",
    "K:V",
    "K :V",
    "- K: {K: V}",
    "K: V V",
    "---",
    "...",
    "K: 'V'",
    "K: \"V\" # c",
];
const KEYS: &[&str] = &[
    "a", "b", "kind", "to", "x-y", "1", "true", "<<", "a b", "'q'", "\"q\"", "é", "a#b",
];
const VALUES: &[&str] = &[
    "x",
    "1",
    "100ms",
    "http://h:80/p",
    "a b",
    "-5",
    "null",
    "~",
    "",
    "a #c",
    "x:",
    "a: b",
    ":x",
    "- x",
    "'q'",
    "\"q\"",
    "\"a\\\"b\"",
    "'it''s'",
    "[x, y]",
    "{a: b}",
    "{a: }",
    "[ ]",
    "{}",
    "&a x",
    "*a",
    "|",
    ">",
    "!t x",
    "π",
    "a,b",
    "[a,]",
    "{a, b}",
    "?x",
    "%x",
    "@x",
    "`x",
    "x]",
    "x}",
    "\"x",
    "'x",
    "#x",
    "x#",
];

#[test]
fn fast_path_edge_cases_match_the_parser() {
    for text in [
        "a: 1\nb:\nc: \"x y\"  # c\nd:\n  - e\n  - f: g\n    h: 'i'\n  -\n  - [1, {j: k}]\nl: { m: n , o: }\np:\n- q\nr: end # x\n",
        "a: \"x\"   \nb: 'y'  # c\ne:   f  \ng: # c\nh:\n  # c\n  i: 1\nj: [a, \"b\" , c ]\nk: {a: \"b\" }\no:",
        "# lead\n\nname: x\ncomponents:\n  a: { kind: service, calls: [b, { to: c, timeout: 1s }] }\n",
        "a:\n- b: 1\n  c: 2\n- d\ne: f\n",
        "a: b\na: c\n",
        "x:\n  <<: { a: 1 }\n  b: 2\n",
        "a: [ ]\nb: {}\nc: []\n",
        "a: 'π ≠ 3'\nb: café\n",
        "list:\n  - - a\n",
        "a: |\n  text\n",
        "a: b\n  c\n",
        "a: &x 1\nb: *x\n",
        "a: \"q\\n\"\n",
        "---\na: 1\n",
        "- a\n- b\n",
        "a:\n  -\n  - b\n",
        "a: {b: }\n",
        "a: [b, [c, d], {e: f}]  # c\n",
        "url: http://x:80/y\nb: 'a:b'\n",
    ] {
        if let Err(e) = fast_agrees(text) {
            panic!("{e}");
        }
    }
}

/// Flow collections over several lines, indented as the full parser wants them: the
/// fast path takes them and builds the same tree.
#[test]
fn multi_line_flow_collections_match_the_parser() {
    for text in [
        "a: [\n    \"x\", \"y\"\n  ]\nb: 1\n",
        "a: [\n  x,\n  y\n  ]\nb: 1\n",
        "a:\n  b: {\n    c: 1,   # one\n    d: [e,\n      f]\n    }\n  g: h\n",
        "- [\n   a, b\n  ]\n- c\n",
        "a: [x,\n  y]  # after\nb: 2\n",
    ] {
        match fast_agrees(text) {
            Ok(true) => {}
            Ok(false) => panic!("the fast path left this to the full parser:\n{text}"),
            Err(e) => panic!("{e}"),
        }
    }
}

/// What libyaml, Go's yaml.v3 and docker compose accept and the YAML 1.2 parser does
/// not: a flow collection whose closing bracket sits in its key's column. It loads,
/// with the tree the indented form gives.
#[test]
fn a_flow_collection_closed_in_its_keys_column_loads() {
    let lenient = p("services:\n  web:\n    command: [\n      \"npm\", \"start\"\n    ]\n    ports: [\n      8080,\n      9090\n    ]\n").expect("loads");
    let web = lenient.root.get("services").unwrap().get("web").unwrap();
    let items = |k: &str| -> Vec<String> {
        web.get(k)
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .map(|n| n.as_scalar().unwrap().to_string())
            .collect()
    };
    assert_eq!(items("command"), ["npm", "start"]);
    assert_eq!(items("ports"), ["8080", "9090"]);
}

/// The same leniency where the full parser reads the file (an anchor sends it there),
/// and a tab between a key's `:` and its value (libyaml and yaml.v3 accept it): the
/// tree is the one the plain form gives, its spans in the original text.
#[test]
fn lenient_forms_load_through_the_full_parser_too() {
    let text = "x-base: &base\n  image: app\nservices:\n  web:\n    <<: *base\n    command: [\n      \"npm\", # the runner\n      \"start\"\n    ]\n    port:\t8080\n";
    let parsed = p(text).expect("loads");
    let web = parsed.root.get("services").unwrap().get("web").unwrap();
    let cmd: Vec<&str> = web
        .get("command")
        .unwrap()
        .as_seq()
        .unwrap()
        .iter()
        .map(|n| n.as_scalar().unwrap())
        .collect();
    assert_eq!(cmd, ["npm", "start"]);
    let start = web.get("command").unwrap().as_seq().unwrap()[1].span;
    assert_eq!(&text[start.start()..start.start() + 7], "\"start\"");
    assert_eq!(web.get("port").unwrap().as_scalar(), Some("8080"));
    assert_eq!(web.get("image").unwrap().as_scalar(), Some("app"));
    // tabs as indentation stay an error, and so does a bracket never closed
    assert!(p("a:\n\tb: 1\n").is_err());
    assert!(p("x: &a 1\nb: [\n  1,\n  2\n").is_err());
}

fn p(s: &str) -> Result<Parsed<'static>, YamlError> {
    // leaked so the tree may borrow from it; a few bytes per test
    let src: &'static SourceFile = Box::leak(Box::new(SourceFile::new("t", s)));
    parse(src, Box::leak(Box::new(Arena::new())), Limits::default())
}

#[test]
fn spans_of_keys_and_values() {
    let src = "name: x\ncomponents:\n  api:\n    kind: service\n";
    let parsed = p(src).unwrap();
    let (k, v) = parsed.root.get("components").unwrap().entry("api").unwrap();
    assert_eq!(&src[k.span.start()..k.span.end()], "api");
    let kind = v.get("kind").unwrap();
    assert_eq!(&src[kind.span.start()..kind.span.end()], "service");
}

#[test]
fn duplicate_keys_reported() {
    let parsed = p("a: 1\nb: 2\na: 3\n").unwrap();
    assert_eq!(parsed.problems.len(), 1);
    assert!(parsed.problems[0].message.contains("duplicate key `a`"));
}

#[test]
fn merge_keys_add_entries_the_mapping_does_not_set() {
    let src = "base: &b { kind: service, replicas: 2 }\nother: &o { tech: go, replicas: 5 }\n\
               a: { <<: *b, replicas: 3 }\nc:\n  <<: [*o, *b]\n";
    let parsed = p(src).unwrap();
    assert!(parsed.problems.is_empty());
    let a = parsed.root.get("a").unwrap();
    let keys: Vec<&str> = a
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_scalar().unwrap())
        .collect();
    assert_eq!(keys, ["replicas", "kind"]);
    assert_eq!(a.get("replicas").unwrap().as_scalar(), Some("3"));
    // the merged entry keeps the span of where it is written (the anchor)
    let kind = a.get("kind").unwrap();
    assert_eq!(&src[kind.span.start()..kind.span.end()], "service");
    assert!(kind.span.start() < src.find("a:").unwrap());
    // with a list, an earlier source wins
    let c = parsed.root.get("c").unwrap();
    assert_eq!(c.get("replicas").unwrap().as_scalar(), Some("5"));
    assert_eq!(c.get("kind").unwrap().as_scalar(), Some("service"));
    // the mapping's own span stays where it is written
    assert_eq!(&src[c.span.start()..c.span.end()], "<<: [*o, *b]");
}

#[test]
fn merging_a_scalar_is_a_problem() {
    let parsed = p("a: { <<: 5, kind: service }\n").unwrap();
    assert_eq!(parsed.problems.len(), 1);
    assert!(
        parsed.problems[0]
            .message
            .contains("`<<` merges mappings, found a number")
    );
    // a quoted `<<` is an ordinary key
    let parsed = p("a: { \"<<\": 5 }\n").unwrap();
    assert!(parsed.problems.is_empty());
    assert!(parsed.root.get("a").unwrap().get("<<").is_some());
}

#[test]
fn alias_bomb_rejected() {
    let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        s.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
            p = i - 1
        ));
    }
    let e = p(&s).err().unwrap();
    assert!(e.message.contains("aliases expand"), "{}", e.message);
}

#[test]
fn deep_nesting_rejected() {
    let s = "[".repeat(10_000);
    assert!(p(&s).is_err());
    let mut s = String::new();
    for i in 0..200 {
        s.push_str(&" ".repeat(i));
        s.push_str("a:\n");
    }
    let e = p(&s).err().unwrap();
    assert!(e.message.contains("nesting"), "{}", e.message);
}

#[test]
fn empty_and_multi_document() {
    assert!(p("").err().unwrap().message.contains("empty"));
    assert!(
        p("# only a comment\n")
            .err()
            .unwrap()
            .message
            .contains("empty")
    );
    assert!(
        p("a: 1\n---\nb: 2\n")
            .err()
            .unwrap()
            .message
            .contains("more than one")
    );
}

#[test]
fn flow_spans_cover_brackets() {
    let src = "a: {x: 1, y: 2}\n";
    let parsed = p(src).unwrap();
    let v = parsed.root.get("a").unwrap();
    assert_eq!(&src[v.span.start()..v.span.end()], "{x: 1, y: 2}");
}
