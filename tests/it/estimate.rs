//! The arithmetic, checked against values computed by hand.

use crate::common;

use archlint_core::source::SourceFile;
use archlint_linter::analyse;
use archlint_linter::estimate;
use common::*;

/// A component's peak load in an estimate (0 when nothing reaches it).
fn peak_of(e: &estimate::Estimate, id: &str) -> f64 {
    e.components
        .iter()
        .find(|c| c.component == id)
        .map_or(0.0, |c| c.peak_rps)
}

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
    // the two clients split the peak evenly (no `share:`): api sees all of it
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
            .contains("is (api: 1 − 0.001³) × (db: 99.95%) = 99.95% < 99.99% target"),
        "{}",
        d.message
    );
    // wrapped at any width, a factor is never split across lines
    for cols in [60, 70, 80, 100] {
        let o = bin()
            .env("COLUMNS", cols.to_string())
            .args([
                "check",
                "--select",
                "availability-below-target",
                "tests/fixtures/rules/availability-below-target/fires.arch.yaml",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        let header: Vec<&str> = text.lines().take_while(|l| !l.contains("-->")).collect();
        assert!(header.len() > 1, "{text}");
        for line in header {
            assert_eq!(
                line.matches('(').count(),
                line.matches(')').count(),
                "{cols} columns: {line}"
            );
            assert!(line.chars().count() <= cols, "{cols} columns: {line}");
        }
    }
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

/// Stated access-pattern rates add up per entity and per store.
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

/// `estimate --format json` says where each component's load comes from, and which
/// parts a default decided.
#[test]
fn the_json_estimate_gives_each_loads_sources() {
    let d = Dir::new("sources");
    let f = d.write(
        "s.arch.yaml",
        "name: s\nrequirements:\n  scale: { daily_active_users: 864k, requests_per_user_per_day: 10, peak_to_average: 1 }\ncomponents:\n  web: { kind: client, share: 75%, calls: [lb] }\n  admin: { kind: client, calls: [lb] }\n  lb:\n    kind: load-balancer\n    calls:\n      - { to: search, share: 20% }\n      - orders\n  search: { kind: service }\n  orders: { kind: service, calls: [{ to: db, per_request: 2 }] }\n  db: { kind: database }\n",
    );
    let j = json(&run(&["estimate", "--format", "json", &f]));
    let comp = |id: &str| {
        j["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["component"] == id)
            .unwrap_or_else(|| panic!("{id} in {j}"))
            .clone()
    };
    // 864k × 10 / 86,400 = 100 rps; web 75, admin 25 (the rest); lb all 100
    let lb = comp("lb");
    assert!(close(lb["peak_rps"].as_f64().unwrap(), 100.0));
    let from: Vec<(&str, f64, &str)> = lb["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["from"].as_str().unwrap(),
                s["rps"].as_f64().unwrap(),
                s["why"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(from.len(), 2, "{from:?}");
    let search = comp("search");
    assert!(close(search["peak_rps"].as_f64().unwrap(), 20.0));
    assert_eq!(search["sources"][0]["why"], "share");
    let orders = comp("orders");
    assert!(close(orders["peak_rps"].as_f64().unwrap(), 80.0));
    assert_eq!(orders["sources"][0]["why"], "even-split");
    assert_eq!(orders["sources"][0]["assumed"], false);
    let db = comp("db");
    assert!(close(db["peak_rps"].as_f64().unwrap(), 160.0));
    assert_eq!(db["sources"][0]["why"], "per-request");
    assert!(close(db["sources"][0]["fraction"].as_f64().unwrap(), 2.0));
    // reads and writes of the store: one read-write call, no ratio stated: not split
    assert!(db.get("reads_rps").is_none());
}

/// A published back-of-envelope figure, reproduced from a design that states its
/// routing shares: the system-design-primer's Pastebin (10M pastes written and 100M
/// read a month: "about 4 writes/s and 40 reads/s", a month being 2.5M seconds).
/// 110M requests a month is 3.67M a day; writes are 10/110 of them.
#[test]
fn pastebin_from_the_system_design_primer_within_10_percent() {
    let yaml = "name: pastebin
requirements:
  scale: { daily_active_users: 3.67M, requests_per_user_per_day: 1, peak_to_average: 1 }
  read_write_ratio: 10:1
components:
  client: { kind: client, calls: [web] }
  web:
    kind: load-balancer
    calls:
      - { to: write-api, share: 9.09% }
      - read-api
  write-api: { kind: service, calls: [{ to: pastes-db, access: write }] }
  read-api: { kind: service, calls: [{ to: pastes-db, access: read }] }
  pastes-db: { kind: database, tech: mysql }
";
    let a = analyse(&SourceFile::new("pastebin.arch.yaml", yaml)).unwrap();
    let e = estimate::estimate(&a.model, &a.graph);
    let rps = |id: &str| peak_of(&e, id);
    let within = |got: f64, want: f64| (got - want).abs() <= 0.1 * want;
    assert!(within(rps("write-api"), 4.0), "{}", rps("write-api"));
    assert!(within(rps("read-api"), 40.0), "{}", rps("read-api"));
    let db = e
        .components
        .iter()
        .find(|c| c.component == "pastes-db")
        .unwrap();
    assert!(within(db.writes_rps.unwrap(), 4.0));
    assert!(within(db.reads_rps.unwrap(), 40.0));
}

/// A journey's stated share puts its part of the peak on every step, in the estimate
/// and the review's journey table.
#[test]
fn a_journeys_share_is_its_load_on_every_step() {
    let f = "tests/fixtures/rules/journey-share-mismatch/ok.arch.yaml";
    // 1M × 20 / 86,400 × 2 ≈ 463 rps; checkout 40% ≈ 185, browse 30% ≈ 139
    let text = stdout(&run(&["estimate", f]));
    assert!(
        text.contains("checkout: 463 × 40% = 185 rps: web -> lb -> orders"),
        "{text}"
    );
    let j = json(&run(&["estimate", "--format", "json", f]));
    let checkout = &j["journeys"][0];
    assert_eq!(checkout["journey"], "checkout");
    assert!(close(
        checkout["rps"].as_f64().unwrap(),
        1e6 * 20.0 / 86_400.0 * 2.0 * 0.4
    ));
    let review = stdout(&run(&["report", f]));
    assert!(
        review.contains("| 40% of the peak = 185 rps on every step |"),
        "{review}"
    );
}

/// A second published figure: the system-design-primer's Twitter timeline (100M active
/// users, 500M tweets a day: "6k tweets/s"; 250B reads a month: "100k reads/s"; each
/// tweet fanned out to 10 followers on average: "60k deliveries/s"). 500M writes and
/// 250B / 30 reads a day are 88.3 requests per user; writes are 5.66% of them.
#[test]
fn twitter_timeline_from_the_system_design_primer_within_10_percent() {
    let yaml = "name: twitter
requirements:
  scale: { daily_active_users: 100M, requests_per_user_per_day: 88.33, peak_to_average: 1 }
components:
  client: { kind: client, calls: [lb] }
  lb:
    kind: load-balancer
    calls:
      - { to: write-api, share: 5.66% }
      - read-api
  write-api:
    kind: service
    calls:
      - { to: tweets-db, access: write }
      - { to: fanout, per_request: 10 }
  fanout: { kind: service, calls: [{ to: timelines, access: write }] }
  read-api: { kind: service, calls: [{ to: timelines, access: read }] }
  tweets-db: { kind: database, tech: mysql }
  timelines: { kind: cache, tech: redis }
";
    let a = analyse(&SourceFile::new("twitter.arch.yaml", yaml)).unwrap();
    let e = estimate::estimate(&a.model, &a.graph);
    let rps = |id: &str| peak_of(&e, id);
    let within = |got: f64, want: f64| (got - want).abs() <= 0.1 * want;
    assert!(within(rps("write-api"), 6_000.0), "{}", rps("write-api"));
    assert!(within(rps("read-api"), 100_000.0), "{}", rps("read-api"));
    assert!(within(rps("fanout"), 60_000.0), "{}", rps("fanout"));
}

/// The peak is the users': an external system calling in brings traffic the
/// requirements do not size, and the estimate says it did not count it.
#[test]
fn an_external_caller_is_named_as_not_estimated() {
    let yaml = "name: x
requirements:
  scale: { daily_active_users: 864k, requests_per_user_per_day: 10, peak_to_average: 1 }
components:
  web: { kind: client, calls: [api] }
  partners: { kind: external, calls: [api] }
  api: { kind: service }
";
    let a = analyse(&SourceFile::new("x.arch.yaml", yaml)).unwrap();
    let e = estimate::estimate(&a.model, &a.graph);
    let api = e.components.iter().find(|c| c.component == "api").unwrap();
    assert!(close(api.peak_rps, 100.0));
    assert!(
        e.missing
            .iter()
            .any(|x| x.starts_with("traffic from partners")),
        "{:?}",
        e.missing
    );
}
