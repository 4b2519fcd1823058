use super::*;

/// The model and the errors, in a form two loads can be compared by.
fn outcome(src: &SourceFile, stream: bool) -> String {
    // a few rule ids (the model does not know the rules); `allow`s naming others
    // are errors, the same either way
    let ids = [
        "sync-chain-too-long",
        "shared-database",
        "single-point-of-failure",
    ];
    let limits = Limits {
        max_components: 6,
        ..Limits::default()
    };
    let l = load_with(src, &ids, limits, stream);
    let errors: Vec<String> = l
        .errors
        .iter()
        .map(|d| {
            format!(
                "{:?} {} {} {:?} {:?}",
                d.span, d.path, d.message, d.label, d.help
            )
        })
        .collect();
    let index = l.model.as_ref().map(|m| {
        let mut ids: Vec<(&str, usize)> = m.index.keys().map(|k| (k, m.index[k])).collect();
        ids.sort_unstable();
        ids.into_iter()
            .map(|(k, i)| format!("{k}={i}"))
            .collect::<Vec<_>>()
    });
    format!(
        "{:#?}\n{index:?}\n{errors:#?}",
        l.model.as_ref().map(|m| &m.components)
    )
}

#[test]
fn the_examples_stream() {
    struct Count(usize, usize);
    impl yaml::ComponentSink for Count {
        fn keys(&mut self, keys: &[Node<'_>]) -> bool {
            self.0 = keys.len();
            true
        }
        fn entry(&mut self, _: &Node<'_>, _: &Node<'_>) {
            self.1 += 1;
        }
    }
    let mut n = 0;
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let src = SourceFile::new("x", std::fs::read_to_string(&p).unwrap());
        let arena = yaml::Arena::new();
        let mut sink = Count(0, 0);
        let parsed = yaml::parse_streaming(&src, &arena, Limits::default(), &mut sink);
        let p = p.display();
        let root = parsed.unwrap_or_else(|| panic!("{p}: not streamed")).root;
        assert!(sink.0 > 3 && sink.0 == sink.1, "{p}");
        assert_eq!(
            root.get("components")
                .and_then(|c| c.as_map())
                .map(<[_]>::len),
            Some(0)
        );
        n += 1;
    }
    assert!(n > 10);
}

fn streaming_agrees(name: &str, text: &str) {
    let src = SourceFile::new(name, text);
    assert_eq!(outcome(&src, true), outcome(&src, false), "{name}");
}

#[test]
fn streaming_the_components_loads_what_the_whole_tree_loads() {
    let mut files = Vec::new();
    for dir in ["examples", "tests/fixtures"] {
        let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "yaml") {
                    files.push(p);
                }
            }
        }
    }
    assert!(files.len() > 100);
    for p in files {
        let bytes = std::fs::read(&p).unwrap();
        streaming_agrees(&p.display().to_string(), &String::from_utf8_lossy(&bytes));
    }
    // what the streaming parse leaves to the whole tree, or gives up on midway
    let head = "name: s\nrequirements:\n  availability: 99.9%\n";
    for components in [
        "components:\n  a: {kind: service, calls: [b, zz]}\n  b:\n    kind: database\n",
        "components:\n  a: {kind: service}\n  a: {kind: worker}\n",
        "components:\n  ~: {kind: service}\n  b: {kind: nope}\n  c:\n  d: 3\n  calls: [b]\n",
        "components:\n  a:\n  - x\n  b: {kind: service}\n",
        "components:\n  a: {kind: service}\n  <<: {b: {kind: service}}\n",
        "components:\n  a: {kind: service, calls: [b]}\n  b: &x {kind: service}\n",
        "components:\n  a: {kind: service}\n    b: {kind: service}\n",
        "components:\n  a: {kind: service}\n b: {kind: service}\n",
        "components: {a: {kind: service}}\n",
        "components:\n",
        "components:\n  # none yet\n",
        "components:\n- a\n",
        "components:\n  a: {kind: service}\n  b: {kind: service}\n  c: {kind: service}\n  d: {kind: service}\n  e: {kind: service}\n  f: {kind: service}\n  g: {kind: service}\n",
        "components:\n  a:\n    kind: service\n    calls:\n      - to: b\n        timeout: 5 parsecs\n  b: {kind: service, consumes: [q]}\n  q: {kind: queue}\n",
    ] {
        streaming_agrees(components, &format!("{head}{components}"));
        streaming_agrees(components, &format!("{components}{head}"));
    }
}
