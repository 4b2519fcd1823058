//! `cargo bench`: the cost of each phase on synthetic systems of 1k, 10k and 50k
//! components (parse + spans, validation, graph build, all rules, output formats).

#[path = "support/synth.rs"]
mod synth;

use std::hint::black_box;

use archlint::config::Config;
use archlint::graph::SystemGraph;
use archlint::model::{load, yaml};
use archlint::source::SourceFile;
use archlint::{FileResult, report, rules};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SIZES: [usize; 3] = [1_000, 10_000, 50_000];

fn phases(c: &mut Criterion) {
    let ids = rules::ids();
    let settings = Config::default().settings(None, None).unwrap();
    for n in SIZES {
        let s = synth::generate(n, 42);
        let src = SourceFile::new("synth.arch.yaml", s.yaml.clone());
        let mut g = c.benchmark_group(format!("{n}"));
        g.throughput(Throughput::Bytes(s.yaml.len() as u64));
        g.sample_size(if n >= 50_000 { 10 } else { 20 });
        g.bench_function(BenchmarkId::new("parse", n), |b| {
            b.iter(|| black_box(yaml::parse(&src, Default::default()).unwrap().root.span))
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
        };
        let results = [result()];
        g.bench_function(BenchmarkId::new("out-human", n), |b| {
            b.iter(|| black_box(report::human::render(&results, Default::default(), false).len()))
        });
        g.bench_function(BenchmarkId::new("out-json", n), |b| {
            b.iter(|| black_box(report::json::render(&results).len()))
        });
        g.bench_function(BenchmarkId::new("out-sarif", n), |b| {
            b.iter(|| black_box(report::sarif::render(&results).len()))
        });
        g.bench_function(BenchmarkId::new("end-to-end-json", n), |b| {
            b.iter(|| {
                let r = archlint::lint_source(src.clone(), &settings);
                black_box(report::json::render(&[r]).len())
            })
        });
        g.finish();
    }
}

criterion_group!(benches, phases);
criterion_main!(benches);
