//! `cargo bench`: the cost of each phase on synthetic systems of 1k, 10k and 50k
//! components (parse + spans, validation, graph build, all rules, output formats).

use archlint_testing::synth;

use std::hint::black_box;

use archlint_core::model::{load, yaml};
use archlint_core::source::SourceFile;
use archlint_linter::config::Config;
use archlint_linter::graph::SystemGraph;
use archlint_linter::{FileResult, rules};
use archlint_outputs as report;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SIZES: [usize; 3] = [1_000, 10_000, 50_000];

/// The command line's allocator, so the phases cost here what they cost there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The parse phase alone: the spanned tree in a fresh arena.
fn parse_span(src: &SourceFile) -> archlint_core::source::Span {
    let arena = yaml::Arena::new();
    yaml::parse(src, &arena, Default::default())
        .unwrap()
        .root
        .span
}

fn phases(c: &mut Criterion) {
    let ids = rules::ids();
    let settings = Config::default()
        .settings(None, None)
        .unwrap()
        .on(archlint_testing::TODAY);
    for n in SIZES {
        let s = synth::generate(n, 42);
        let src = SourceFile::new("synth.arch.yaml", s.yaml.clone());
        let mut g = c.benchmark_group(format!("{n}"));
        g.throughput(Throughput::Bytes(s.yaml.len() as u64));
        g.sample_size(if n >= 50_000 { 10 } else { 20 });
        g.bench_function(BenchmarkId::new("parse", n), |b| {
            b.iter(|| black_box(parse_span(&src)))
        });
        g.bench_function(BenchmarkId::new("parse+validate", n), |b| {
            b.iter(|| black_box(load::load(&src, &ids, Default::default()).errors.len()))
        });
        let model = load::load(&src, &ids, Default::default()).model.unwrap();
        g.bench_function(BenchmarkId::new("graph", n), |b| {
            b.iter(|| black_box(SystemGraph::build(&model).edges.len()))
        });
        let graph = SystemGraph::build(&model);
        g.bench_function(BenchmarkId::new("rules", n), |b| {
            b.iter(|| black_box(rules::run(&model, &graph, &settings).len()))
        });
        let result = || FileResult {
            source: src.clone(),
            diagnostics: rules::run(&model, &graph, &settings),
            input_error: false,
            linted: true,
            held_back: 0,
        };
        let mut results = [result()];
        archlint_linter::fingerprint::assign(
            Some(&model),
            "synth.arch.yaml",
            &mut results[0].diagnostics,
        );
        g.bench_function(BenchmarkId::new("out-human", n), |b| {
            b.iter(|| black_box(report::human::render(&results, Default::default(), false).len()))
        });
        g.bench_function(BenchmarkId::new("out-json", n), |b| {
            b.iter(|| black_box(report::json::render(&results).len()))
        });
        g.bench_function(BenchmarkId::new("out-sarif", n), |b| {
            b.iter(|| black_box(report::sarif::render(&results).len()))
        });
        g.bench_function(BenchmarkId::new("out-concise", n), |b| {
            b.iter(|| black_box(report::concise::render(&results, false, true).len()))
        });
        g.bench_function(BenchmarkId::new("out-junit", n), |b| {
            b.iter(|| black_box(report::junit::render(&results).len()))
        });
        g.bench_function(BenchmarkId::new("out-gitlab", n), |b| {
            b.iter(|| black_box(report::gitlab::render(&results).len()))
        });
        g.bench_function(BenchmarkId::new("out-github", n), |b| {
            b.iter(|| black_box(report::github::render(&results).len()))
        });
        g.bench_function(BenchmarkId::new("end-to-end-json", n), |b| {
            b.iter(|| {
                let r = archlint_linter::lint_source(src.clone(), &settings);
                black_box(report::json::render(&[r]).len())
            })
        });
        g.finish();
    }
}

/// Every output format on a file of your choice, e.g. the shared generator's
/// `gen_model.py 10000` (20k components, ~9,900 findings: far more findings than the
/// seeded systems above, which is what the output formats' cost depends on):
/// `ARCHLINT_BENCH_FILE=/tmp/big10k.yaml cargo bench --bench lint -- file/`.
fn file_outputs(c: &mut Criterion) {
    let Ok(path) = std::env::var("ARCHLINT_BENCH_FILE") else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("ARCHLINT_BENCH_FILE is readable");
    let settings = Config::default()
        .settings(None, None)
        .unwrap()
        .on(archlint_testing::TODAY);
    let src = SourceFile::new(&path, text);
    let ids = rules::ids();
    let mut g = c.benchmark_group("file");
    g.sample_size(10);
    g.bench_function("parse", |b| b.iter(|| black_box(parse_span(&src))));
    g.bench_function("parse+validate", |b| {
        b.iter(|| black_box(load::load(&src, &ids, Default::default()).errors.len()))
    });
    let model = load::load(&src, &ids, Default::default()).model.unwrap();
    g.bench_function("graph", |b| {
        b.iter(|| black_box(SystemGraph::build(&model).edges.len()))
    });
    let graph = SystemGraph::build(&model);
    g.bench_function("rules", |b| {
        b.iter(|| black_box(rules::run(&model, &graph, &settings).len()))
    });
    g.bench_function("end-to-end-json", |b| {
        b.iter(|| {
            let r = archlint_linter::lint_source(src.clone(), &settings);
            black_box(report::json::render(&[r]).len())
        })
    });
    let results = [archlint_linter::lint_source(src.clone(), &settings)];
    let style = report::human::Style::default();
    g.bench_function("out-human", |b| {
        b.iter(|| black_box(report::human::render(&results, style, false).len()))
    });
    g.bench_function("out-json", |b| {
        b.iter(|| black_box(report::json::render(&results).len()))
    });
    g.bench_function("out-sarif", |b| {
        b.iter(|| black_box(report::sarif::render(&results).len()))
    });
    g.bench_function("out-concise", |b| {
        b.iter(|| black_box(report::concise::render(&results, false, true).len()))
    });
    g.bench_function("out-junit", |b| {
        b.iter(|| black_box(report::junit::render(&results).len()))
    });
    g.bench_function("out-gitlab", |b| {
        b.iter(|| black_box(report::gitlab::render(&results).len()))
    });
    g.bench_function("out-github", |b| {
        b.iter(|| black_box(report::github::render(&results).len()))
    });
    g.finish();
}

/// The language server's work after an edit of a 500-component file: lint the new text
/// and build the LSP diagnostics (the editor target is 20 ms).
fn server_relint(c: &mut Criterion) {
    let s = synth::generate(500, 7);
    let uri = "file:///tmp/synth-500.arch.yaml";
    let mut text = s.yaml.clone();
    let mut g = c.benchmark_group("server");
    g.bench_function("relint-500", |b| {
        b.iter(|| {
            // a one-character edit, as typing makes
            text.push(' ');
            black_box(archlint_server::lsp_diagnostics(uri, &text, archlint_testing::TODAY).len())
        })
    });
    g.finish();
}

/// `archlint diff` of two 10k-component designs: both linted, both parsed to trees,
/// the design compared component by component and the findings by fingerprint. The
/// new version differs as a real change would: some replicas and timeouts edited.
fn diff_10k(c: &mut Criterion) {
    let old = synth::generate(10_000, 42).yaml;
    let mut new = String::with_capacity(old.len());
    for (i, line) in old.lines().enumerate() {
        if i % 997 == 0 && line.trim_start().starts_with("timeout:") {
            new.push_str(&line.replace("timeout:", "timeout: 9s #"));
        } else if i % 13 == 0 && line.trim_start() == "replicas: 3" {
            new.push_str(&line.replace('3', "4"));
        } else {
            new.push_str(line);
        }
        new.push('\n');
    }
    let settings = Config::default()
        .settings(None, None)
        .unwrap()
        .on(archlint_testing::TODAY);
    let mut g = c.benchmark_group("diff");
    g.sample_size(10);
    g.bench_function("10k", |b| {
        b.iter(|| {
            let lint = |t: &str| {
                archlint_linter::lint_source(
                    SourceFile::new("synth.arch.yaml", t.to_string()),
                    &settings,
                )
            };
            let (ro, rn) = (lint(&old), lint(&new));
            let arena = yaml::Arena::new();
            let to = yaml::parse(&ro.source, &arena, Default::default()).unwrap();
            let tn = yaml::parse(&rn.source, &arena, Default::default()).unwrap();
            let design = archlint_outputs::diff::design_diff(&to.root, &tn.root);
            let found = archlint_outputs::diff::findings_diff(&ro, &rn);
            black_box((
                archlint_outputs::diff::design_lines(&design).len(),
                found.introduced.len(),
            ))
        })
    });
    g.finish();
}

/// `archlint import k8s` of 500 Deployments with their Services, reading each other's
/// addresses from the environment, and a PostgreSQL StatefulSet (1,001 documents).
fn import_k8s_500(c: &mut Criterion) {
    let mut y = String::new();
    for i in 0..500 {
        let next = (i + 1) % 500;
        y.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{ name: svc-{i} }}\nspec:\n  replicas: 2\n  template:\n    metadata: {{ labels: {{ app: svc-{i} }} }}\n    spec:\n      containers:\n        - name: svc-{i}\n          image: acme/svc-{i}:1.0\n          ports: [{{ containerPort: 8080 }}]\n          env:\n            - {{ name: NEXT_URL, value: 'http://svc-{next}:8080' }}\n            - {{ name: DATABASE_URL, value: 'postgres://db:5432/app' }}\n---\napiVersion: v1\nkind: Service\nmetadata: {{ name: svc-{i} }}\nspec: {{ selector: {{ app: svc-{i} }}, ports: [{{ port: 8080 }}] }}\n---\n"
        ));
    }
    y.push_str("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: db }\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - { name: db, image: 'postgres:16' }\n");
    let files = [SourceFile::new("k8s500.yaml", y)];
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.bench_function("k8s-500", |b| {
        b.iter(|| {
            black_box(
                archlint_import::k8s::import(&files)
                    .map(|i| i.yaml.len())
                    .unwrap_or(0),
            )
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    phases,
    file_outputs,
    server_relint,
    diff_10k,
    import_k8s_500
);
criterion_main!(benches);
