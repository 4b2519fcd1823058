//! The arithmetic, checked against values computed by hand.

use crate::common;

use archlint_core::source::SourceFile;
use archlint_linter::analyse;
use archlint_linter::estimate;
use common::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

const FEED: &str = "name: feed
requirements:
  scale: { daily_active_users: 10M, requests_per_user_per_day: 100, peak_to_average: 3, data_volume: 20TB, growth_per_year: 2x, request_size: 1KB, response_size: 10KB }
  read_write_ratio: 100:1
  retention: 5y
components:
  app: { kind: client, calls: [{ to: api, access: read }] }
  uploader: { kind: client, calls: [{ to: api, access: write }] }
  api: { kind: service, replicas: 3, capacity: 5k, calls: [{ to: db, per_request: 2 }, { to: cache, per_request: 0.5 }] }
  db: { kind: database, replicas: 4, capacity: 20k }
  cache: { kind: cache, ttl: 1m }
";

#[test]
fn traffic_formula() {
    let a = analyse(&SourceFile::new("f", FEED)).unwrap();
    let t = estimate::traffic(&a.model).unwrap();
    // 10,000,000 × 100 / 86,400 = 11,574.074… mean; × 3 = 34,722.2… peak
    assert!(close(t.mean_rps, 11_574.074_074));
    assert!(close(t.peak_rps, 34_722.222_222));
    assert_eq!(
        t.formula,
        "10M DAU × 100 requests / 86,400 s ≈ 11.6k rps mean, × 3 peak ≈ 34.7k rps"
    );
    // 100:1 → reads 100/101 of peak, writes 1/101
    assert!(close(
        t.reads_peak().unwrap(),
        34_722.222_222 * 100.0 / 101.0
    ));
    assert!(close(t.writes_peak().unwrap(), 34_722.222_222 / 101.0));
}

#[test]
fn default_peak_factor_is_two() {
    let a = analyse(&SourceFile::new("f", "name: x\nrequirements:\n  scale: { daily_active_users: 864k, requests_per_user_per_day: 10 }\ncomponents: {}\n")).unwrap();
    let t = estimate::traffic(&a.model).unwrap();
    assert!(close(t.mean_rps, 100.0));
    assert!(close(t.peak_rps, 200.0));
}

#[test]
fn load_follows_fan_out_and_the_read_write_split() {
    let a = analyse(&SourceFile::new("f", FEED)).unwrap();
    let t = estimate::traffic(&a.model).unwrap();
    let load = estimate::loads(&a.model, &a.graph, &t);
    let at = |id: &str| load[a.model.index[id]];
    // the reading client brings 100/101 of peak, the writing one 1/101: api sees all of it
    assert!(close(at("api"), 34_722.222_222));
    assert!(close(at("db"), 2.0 * 34_722.222_222));
    assert!(close(at("cache"), 0.5 * 34_722.222_222));
}

#[test]
fn storage_and_bandwidth() {
    let a = analyse(&SourceFile::new("f", FEED)).unwrap();
    let e = estimate::estimate(&a.model, &a.graph);
    let s = e.storage.unwrap();
    // 20TB doubling for 5 years: 20 × 2^5 = 640TB
    assert!(close(s.after_bytes, 640e12));
    let b = e.bandwidth.unwrap();
    assert!(close(b.ingress_bytes_per_s.unwrap(), 34_722.222_222 * 1e3));
    assert!(close(b.egress_bytes_per_s.unwrap(), 34_722.222_222 * 1e4));
    // utilisation: api 34.7k / (3 × 5k) = 231%; db 69.4k / (4 × 20k) = 86.8%
    assert_eq!(e.bottleneck.as_deref(), Some("api"));
    let api = e.components.iter().find(|c| c.component == "api").unwrap();
    assert!(close(api.utilisation.unwrap(), 34_722.222_222 / 15_000.0));
}

#[test]
fn capacity_message_shows_the_numbers() {
    let r = lint_text(FEED);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "capacity-exceeded")
        .expect("fires");
    assert_eq!(d.path, "components.api.capacity");
    assert!(d.message.contains("peak load of 34.7k rps reaches `api`, but 3 replicas × 5k rps = 15k rps (231% utilisation); it is the dominant bottleneck"), "{}", d.message);
    assert!(
        !r.diagnostics
            .iter()
            .any(|d| d.rule == "capacity-exceeded" && d.path.contains("db"))
    );
}

#[test]
fn availability_arithmetic() {
    // api: 3 replicas of 99.9% → 1 − 0.001³; db: 1 replica of 99.95%
    let r = lint_text(
        &std::fs::read_to_string("tests/fixtures/rules/availability-below-target/fires.arch.yaml")
            .unwrap(),
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "availability-below-target")
        .expect("fires");
    assert!(
        d.message
            .contains("(1 − 0.001³) × 99.95% = 99.95% < 99.99% target"),
        "{}",
        d.message
    );
    let two = "name: x\nrequirements: { availability: 99.9999% }\ncomponents:\n  web: { kind: client, calls: [api] }\n  api: { kind: service, replicas: 2, rate_limit: true }\n";
    // 1 − 0.001² = 99.9999% exactly: meets the target
    assert!(!rules_of(&lint_text(two)).contains(&"availability-below-target"));
}

#[test]
fn retry_and_latency_arithmetic() {
    let r = lint_text(
        &std::fs::read_to_string("tests/fixtures/rules/retry-amplification/fires.arch.yaml")
            .unwrap(),
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "retry-amplification")
        .unwrap();
    assert!(d.message.contains("3 × 3 × 4 = 36 calls"), "{}", d.message);
    let r = lint_text(
        &std::fs::read_to_string("tests/fixtures/rules/latency-budget-exceeded/fires.arch.yaml")
            .unwrap(),
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "latency-budget-exceeded")
        .unwrap();
    assert!(
        d.message
            .contains("api 50ms + search 180ms = 230ms at p99, over the 200ms budget"),
        "{}",
        d.message
    );
}

#[test]
fn estimate_snapshots() {
    for ex in ["photo-sharing", "shop"] {
        let o = run(&["estimate", &format!("examples/{ex}.arch.yaml")]);
        assert_eq!(o.status.code(), Some(0));
        insta::assert_snapshot!(format!("estimate_{ex}"), stdout(&o));
    }
    let o = run(&[
        "estimate",
        "--format",
        "json",
        "examples/photo-sharing.arch.yaml",
    ]);
    let v = json(&o);
    assert!(v["traffic"]["peak_rps"].as_f64().unwrap() > 0.0);
}

#[test]
fn capacity_exceeded_and_estimate_name_the_same_bottleneck_on_a_tie() {
    // api and feed-db run at the same utilisation; the one with more load is named
    let text =
        std::fs::read_to_string("tests/fixtures/rules/capacity-exceeded/fires.arch.yaml").unwrap();
    let a = analyse(&SourceFile::new("f", text.as_str())).unwrap();
    let e = estimate::estimate(&a.model, &a.graph);
    let named = lint_text(&text)
        .diagnostics
        .into_iter()
        .filter(|d| {
            d.rule == "capacity-exceeded" && d.message.contains("it is the dominant bottleneck")
        })
        .map(|d| d.path)
        .collect::<Vec<_>>();
    let bottleneck = e.bottleneck.expect("a bottleneck");
    assert_eq!(named, [format!("components.{bottleneck}.capacity")]);
}

/// Stated access-pattern rates add up per entity and per store (SPEC §4.6).
#[test]
fn entity_rates_feed_the_estimate() {
    let o = run(&["estimate", "examples/photo-sharing.arch.yaml"]);
    let text = stdout(&o);
    assert!(
        text.contains(
            "photo in photos-db: 12k rps (point-lookup by id 8k + range-scan by album_id 4k)"
        ),
        "{text}"
    );
    assert!(
        text.contains("store photos-db: 16.2k rps from its entities"),
        "{text}"
    );
    let j = json(&run(&[
        "estimate",
        "--format",
        "json",
        "examples/photo-sharing.arch.yaml",
    ]));
    let first = &j["entities"][0];
    assert_eq!(first["entity"], "photo");
    assert_eq!(first["rps"], 12000.0);
}
