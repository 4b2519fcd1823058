//! `archlint drift`: the design held to recorded traffic in the three formats, with
//! mapping, every output format, baselines and `allow`, `--fix`, `estimate
//! --observed`, located errors on bad recordings, and large recordings.

use crate::common::*;

const HOTROD: &str = "tests/fixtures/drift/hotrod";

fn concise_rules(o: &std::process::Output) -> Vec<String> {
    stdout(o)
        .lines()
        .filter(|l| l.contains(": ") && l.contains('['))
        .map(|l| {
            let r = &l[l.find('[').unwrap() + 1..l.find(']').unwrap()];
            let what = l.split('`').nth(1).unwrap_or("");
            let to = l.split('`').nth(3).unwrap_or("");
            format!("{r} {what} {to}").trim().to_string()
        })
        .collect()
}

#[test]
fn hotrod_drift_finds_exactly_what_its_documentation_misses() {
    let want = [
        "unknown-service mysql",
        "unknown-service redis",
        "undeclared-call frontend customer",
        "undeclared-call frontend driver",
        "undeclared-call frontend route",
    ];
    for f in ["jaeger.json", "zipkin.json", "servicegraph.prom"] {
        let o = run(&[
            "drift",
            &format!("{HOTROD}/design.arch.yaml"),
            &format!("{HOTROD}/{f}"),
            "--window",
            "1h",
            "--format",
            "concise",
        ]);
        assert_eq!(o.status.code(), Some(1), "{f}: {}", stderr(&o));
        let mut got = concise_rules(&o);
        got.sort();
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{f}");
    }
}

#[test]
fn aliases_and_a_map_name_the_services() {
    let d = Dir::new("drift-map");
    let design = d.write(
        "d.arch.yaml",
        "name: hotrod\ncomponents:\n  browser: { kind: client, calls: [frontend] }\n  frontend: { kind: service, calls: [{ to: customer, timeout: 1s }, { to: driver, timeout: 1s }, { to: route, timeout: 1s }] }\n  customer: { kind: service, calls: [{ to: customer-db, timeout: 1s }] }\n  customer-db: { kind: database, tech: mysql, aliases: [mysql] }\n  driver: { kind: service, calls: [{ to: drivers, timeout: 1s }] }\n  drivers: { kind: cache, tech: redis }\n  route: { kind: service }\n",
    );
    let map = d.write("map.yaml", "redis: drivers\n");
    let o = run(&[
        "drift",
        &design,
        &format!("{HOTROD}/jaeger.json"),
        "--map",
        &map,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // a map naming a component the design lacks is an error at its value
    let bad = d.write("bad.yaml", "redis: drviers\n");
    let o = run(&[
        "drift",
        &design,
        &format!("{HOTROD}/jaeger.json"),
        "--map",
        &bad,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `drivers`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn load_latency_and_errors_against_the_design() {
    let d = Dir::new("drift-numbers");
    let design = d.write(
        "d.arch.yaml",
        "name: hotrod\ncomponents:\n  browser: { kind: client, calls: [frontend] }\n  frontend: { kind: service, calls: [{ to: customer, timeout: 1s }, { to: driver, timeout: 1s }, { to: route, timeout: 1s }] }\n  customer: { kind: service, latency: 100ms, calls: [{ to: mysql, timeout: 1s }] }\n  mysql: { kind: database }\n  driver: { kind: service, calls: [{ to: redis, timeout: 1s }] }\n  redis: { kind: cache, availability: 99.9% }\n  route: { kind: service, capacity: 0.1, replicas: 2 }\njourneys:\n  lookup: { steps: [frontend, customer, mysql], p99: 500ms }\n",
    );
    let o = run(&[
        "drift",
        &design,
        &format!("{HOTROD}/servicegraph.prom"),
        "--window",
        "1h",
        "--format",
        "json",
    ]);
    let j = json(&o);
    let found: Vec<(String, String)> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["rule"].as_str().unwrap().to_string(),
                x["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut found = found;
    found.sort();
    let want: Vec<(String, String)> = [
        ("observed-error-rate", "components.redis.availability"),
        (
            "observed-latency-over-budget",
            "components.customer.latency",
        ),
        ("observed-latency-over-budget", "journeys.lookup.p99"),
        ("observed-load-over-capacity", "components.route.capacity"),
    ]
    .iter()
    .map(|(r, p)| (r.to_string(), p.to_string()))
    .collect();
    assert_eq!(found, want);
    // route: 1000 calls over an hour is 0.278 rps, above 2 x 0.1
    let text = stdout(&run(&[
        "drift",
        &design,
        &format!("{HOTROD}/servicegraph.prom"),
        "--window",
        "1h",
    ]));
    assert!(
        text.contains("above its capacity of 2 replicas × 0.1 rps = 0.2 rps"),
        "{text}"
    );
    assert!(text.contains("5% of the calls to `redis` failed"), "{text}");
    // the journey: frontend->customer p99 + customer->mysql p99, over 500ms, each
    // hop shown in order at its call
    assert!(
        text.contains("journey `lookup` took 1.93s at the recorded p99 (frontend →")
            && text.contains("customer 925ms + customer → mysql 1s), over its budget of 500ms"),
        "{text}"
    );
    let first = text
        .find("1. `frontend` → `customer`: p99 925ms")
        .expect("hop 1");
    let second = text.find("2. `customer` → `mysql`: p99 1s").expect("hop 2");
    assert!(first < second, "{text}");
    // every finding has a fingerprint, and SARIF describes the drift rules
    assert!(
        j["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["fingerprint"].as_str().is_some_and(|f| f.len() == 16))
    );
    let s = json(&run(&[
        "drift",
        &design,
        &format!("{HOTROD}/servicegraph.prom"),
        "--window",
        "1h",
        "--format",
        "sarif",
    ]));
    assert!(
        s["runs"][0]["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    // without a window, counts are not rates: a note, and no capacity finding
    let o = run(&["drift", &design, &format!("{HOTROD}/servicegraph.prom")]);
    assert!(stderr(&o).contains("no `--window`"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("observed-load-over-capacity"));
}

#[test]
fn unobserved_calls_are_judged_where_the_caller_was_recorded() {
    let d = Dir::new("drift-unobserved");
    // `orders` is recorded; its call to `audit` (which no recording names) never is;
    // `batch` never appears at all, so its call is a note, not a finding; the
    // asynchronous and start-up calls are never expected in traces
    let design = d.write(
        "d.arch.yaml",
        "name: shop
components:
  orders: { kind: service, capacity: 1, calls: [{ to: payments, timeout: 1s }, { to: audit, timeout: 1s }, { to: events, mode: async }, { to: config, startup: true }] }
  payments: { kind: service }
  audit: { kind: service }
  events: { kind: queue }
  config: { kind: service }
  batch: { kind: service, calls: [{ to: payments, timeout: 1s }] }
",
    );
    let rec = d.write(
        "deps.json",
        r#"[{"parent": "loadgen", "child": "orders", "callCount": 7200},
 {"parent": "orders", "child": "payments", "callCount": 3600}]"#,
    );
    let o = run(&["drift", &design, &rec, "--window", "1h", "--format", "json"]);
    let j = json(&o);
    let mut found: Vec<String> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            format!(
                "{} {}",
                x["rule"].as_str().unwrap(),
                x["path"].as_str().unwrap()
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            // 7,200 calls from a caller the design lacks still load `orders`: 2 rps
            "observed-load-over-capacity components.orders.capacity",
            "unknown-service components",
            "unobserved-call components.orders.calls[1]",
        ],
        "{}",
        stdout(&o)
    );
    let msg = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "unobserved-call")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("and neither does `audit`"), "{msg}");
    let notes = stderr(&o).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        notes.contains("never in the recorded traffic, so its calls were not compared: `batch`"),
        "{}",
        stderr(&o)
    );
    // estimate --observed counts the unknown caller's calls too
    let e = stdout(&run(&[
        "estimate",
        &design,
        "--observed",
        &rec,
        "--window",
        "1h",
    ]));
    assert!(
        e.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["orders", "-", "-", "2", "-"]),
        "{e}"
    );
}

#[test]
fn allow_and_baselines_as_for_check() {
    let d = Dir::new("drift-allow");
    let design = d.write(
        "d.arch.yaml",
        "name: hotrod\ncomponents:\n  browser: { kind: client, calls: [frontend] }\n  frontend: { kind: service, allow: { undeclared-call: \"the dispatch calls are being mapped\" } }\n  customer: { kind: service }\n  driver: { kind: service }\n  route: { kind: service }\nallow:\n  unknown-service: the stores are not modelled yet\n",
    );
    let o = run(&["drift", &design, &format!("{HOTROD}/jaeger.json")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // an allow of a drift rule is not "unused" to check, which has no recording
    let c = stdout(&run(&["check", "--format", "concise", &design]));
    assert!(!c.contains("unused-allow"), "{c}");
    // a baseline written from check's format filters drift findings by fingerprint
    let plain = d.write(
        "p.arch.yaml",
        &std::fs::read_to_string(format!("{HOTROD}/design.arch.yaml")).unwrap(),
    );
    let j = json(&run(&[
        "drift",
        &plain,
        &format!("{HOTROD}/jaeger.json"),
        "--format",
        "json",
    ]));
    let entries: Vec<serde_json::Value> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| serde_json::json!({"fingerprint": x["fingerprint"], "rule": x["rule"], "file": x["file"], "path": x["path"], "message": x["message"]}))
        .collect();
    let base = d.write(
        "base.json",
        &serde_json::json!({"version": 1, "findings": entries}).to_string(),
    );
    let o = run(&[
        "drift",
        &plain,
        &format!("{HOTROD}/jaeger.json"),
        "--baseline",
        &base,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn fix_adds_the_undeclared_calls_with_their_counts() {
    let d = Dir::new("drift-fix");
    let design = d.write(
        "d.arch.yaml",
        "# HotROD\nname: hotrod\ncomponents:\n  browser: { kind: client, calls: [frontend] }  # the UI\n  frontend:\n    kind: service\n    description: the UI and the dispatch\n  customer: { kind: service }\n  driver: { kind: service }\n  route: { kind: service }\n",
    );
    let o = run(&[
        "drift",
        &design,
        &format!("{HOTROD}/jaeger.json"),
        "--window",
        "1h",
        "--fix",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&design).unwrap();
    assert!(
        text.contains("# the UI") && text.starts_with("# HotROD"),
        "comments kept: {text}"
    );
    for to in ["customer", "driver", "route"] {
        assert!(
            text.contains(&format!("- to: {to}  # observed: ")),
            "{text}"
        );
    }
    assert!(
        text.contains("- to: route  # observed: 1000 calls in 1h"),
        "{text}"
    );
    // the fixed design loads, and drift finds no undeclared call any more
    let o = run(&["drift", &design, &format!("{HOTROD}/jaeger.json")]);
    assert!(!stdout(&o).contains("undeclared-call"), "{}", stdout(&o));
    // a byte-order mark is kept, and does not read as an edit made meanwhile
    let bom = d.write(
        "bom.arch.yaml",
        "\u{feff}name: hotrod\ncomponents:\n  frontend: { kind: service }\n  route: { kind: service }\n",
    );
    let o = run(&["drift", &bom, &format!("{HOTROD}/jaeger.json"), "--fix"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&bom).unwrap();
    assert!(
        text.starts_with("\u{feff}name: hotrod")
            && text.contains("frontend: { kind: service, calls: [route] }"),
        "{text}"
    );
}

#[test]
fn estimate_shows_the_recorded_rates_beside_the_model() {
    let d = Dir::new("drift-estimate");
    let design = d.write(
        "d.arch.yaml",
        "name: hotrod\nrequirements:\n  scale: { daily_active_users: 10k, requests_per_user_per_day: 10, peak_to_average: 2 }\ncomponents:\n  browser: { kind: client, calls: [frontend] }\n  frontend: { kind: service, calls: [{ to: route, timeout: 1s, per_request: 2 }] }\n  route: { kind: service }\n",
    );
    let o = run(&[
        "estimate",
        &design,
        "--observed",
        &format!("{HOTROD}/jaeger.json"),
        "--window",
        "1h",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("Recorded over 1h beside today's model"),
        "{text}"
    );
    // route: modelled mean 10k x 10 / 86400 x 2 calls = 2.31 rps, its peak x 2 = 4.63;
    // recorded 1000 / 3600 = 0.278 rps, 0.12 of the model's mean
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["route", "4.63", "2.31", "0.278", "0.12×"]),
        "{text}"
    );
    let j = json(&run(&[
        "estimate",
        &design,
        "--observed",
        &format!("{HOTROD}/jaeger.json"),
        "--window",
        "1h",
        "--format",
        "json",
    ]));
    let route = j["observed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["component"] == "route")
        .unwrap()
        .clone();
    assert!(
        (route["ratio"].as_f64().unwrap() - 0.12).abs() < 0.001
            && (route["modelled_mean_rps"].as_f64().unwrap() - 2.3148).abs() < 0.001
            && (route["modelled_peak_rps"].as_f64().unwrap() - 4.6296).abs() < 0.001,
        "{route}"
    );
    // without a window: the counts beside the model, no ratio, and what to add
    let o = run(&[
        "estimate",
        &design,
        "--observed",
        &format!("{HOTROD}/jaeger.json"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["route", "4.63", "2.31", "1k"]),
        "{text}"
    );
    assert!(text.contains("give `--window`"), "{text}");
    let j = json(&run(&[
        "estimate",
        &design,
        "--observed",
        &format!("{HOTROD}/jaeger.json"),
        "--format",
        "json",
    ]));
    assert_eq!(j["observed"][0]["observed_calls"], 1000.0);
    assert!(j["observed"][0].get("ratio").is_none());
    // a window without a recording is a usage error
    let o = run(&["estimate", &design, "--window", "1h"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_recordings_are_located_errors() {
    let d = Dir::new("drift-bad");
    let design = format!("{HOTROD}/design.arch.yaml");
    for (file, text, line, want) in [
        ("a.json", "{\"nodes\": []}", 1, "none of the shapes"),
        (
            "b.json",
            "[\n  {\"parent\": \"a\", \"child\": \"b\", \"callCount\": -5}\n]",
            2,
            "negative",
        ),
        (
            "c.json",
            "[{\"parent\": \"a\", \"child\": \"b\", \"callCount\": \"lots\"}]",
            1,
            "must be a number",
        ),
        (
            "d.prom",
            "traces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"1\"} 10\ntraces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"0.5\"} 5\n",
            2,
            "out of order",
        ),
        (
            "e.prom",
            "traces_service_graph_request_total{client=\"a\",server=\"b\"} NaN\n",
            1,
            "not a number",
        ),
        (
            "f.prom",
            "traces_service_graph_request_total{client=\"a\",server=\"b\"} 3\ntraces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"-1\"} 0\n",
            2,
            "not a number of seconds",
        ),
    ] {
        let f = d.write(file, text);
        let o = run(&["drift", &design, &f]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        let err = stderr(&o);
        assert!(err.contains(want), "{file}: {err}");
        assert!(
            err.contains(&format!("{file}:{line}:")),
            "{file} located: {err}"
        );
    }
}

#[test]
fn a_bad_recording_is_reported_and_the_rest_compared() {
    let d = Dir::new("drift-bad-rest");
    let design = d.write(
        "d.arch.yaml",
        "name: shop\ncomponents:\n  orders: { kind: service, calls: [{ to: payments, timeout: 1s }, { to: audit, timeout: 1s }] }\n  payments: { kind: service }\n  audit: { kind: service, availability: 99.9% }\n",
    );
    let good = d.write(
        "good.json",
        r#"[{"parent": "orders", "child": "payments", "callCount": 10},
 {"parent": "payments", "child": "fraud", "callCount": 4}]"#,
    );
    // the second line of this one is cut off
    let cut = d.write(
        "cut.json",
        "[{\"parent\": \"orders\", \"child\": \"audit\", \"callCount\": 10, \"errorCount\": 5},\n {\"parent\": \"orders\"",
    );
    let o = run(&["drift", &design, &good, &cut, "--format", "concise"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("cut.json:2:"), "{err}");
    // the good recording is still compared: its undeclared call and unknown service
    let found = stdout(&o);
    assert!(
        found.contains("[undeclared-call]") || found.contains("unknown-service"),
        "{found}"
    );
    assert!(found.contains("fraud"), "{found}");
    // orders -> audit may be in the unreadable file: not reported as unobserved
    assert!(!found.contains("unobserved-call"), "{found}");
    let notes = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        notes.contains(
            "1 finding (unobserved calls, error rates) held back until every recording reads"
        ),
        "{notes}"
    );
    // with the file fixed, the call is recorded and its errors judged
    let fixed = d.write(
        "fixed.json",
        r#"[{"parent": "orders", "child": "audit", "callCount": 10, "errorCount": 5}]"#,
    );
    let o = run(&["drift", &design, &good, &fixed, "--format", "concise"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("observed-error-rate"), "{}", stdout(&o));
    // estimate --observed: the error located, the rest shown, exit 2
    let o = run(&[
        "estimate",
        &design,
        "--observed",
        &good,
        "--observed",
        &cut,
        "--window",
        "1h",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cut.json:2:"), "{}", stderr(&o));
    assert!(stdout(&o).contains("payments"), "{}", stdout(&o));
}

#[test]
fn a_design_with_a_typo_is_compared_without_the_part_at_fault() {
    let d = Dir::new("drift-typo");
    let text = std::fs::read_to_string(format!("{HOTROD}/design.arch.yaml")).unwrap();
    let typo = text.replace("route: { kind: service", "route: { kind: servce");
    assert_ne!(typo, text);
    let design = d.write("d.arch.yaml", &typo);
    let o = run(&[
        "drift",
        &design,
        &format!("{HOTROD}/jaeger.json"),
        "--format",
        "concise",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `service`?"),
        "{}",
        stderr(&o)
    );
    // the rest is compared; `route` (left out) is neither unknown nor undeclared
    let mut got = concise_rules(&o);
    got.sort();
    assert_eq!(
        got,
        [
            "undeclared-call frontend customer",
            "undeclared-call frontend driver",
            "unknown-service mysql",
            "unknown-service redis",
        ],
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("1 finding held back until fixed"),
        "{}",
        stdout(&o)
    );
    // --fix edits only a design without input errors
    let o = run(&["drift", &design, &format!("{HOTROD}/jaeger.json"), "--fix"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&design).unwrap(), typo);
}

#[cfg(unix)]
#[test]
fn a_recording_must_be_a_regular_file() {
    let d = Dir::new("drift-fifo");
    let fifo = d.0.join("traffic.prom");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let zero = d.0.join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    // refused by name before opening: a pipe nobody writes would block for ever
    for (f, what) in [(&fifo, "a named pipe"), (&zero, "a device")] {
        let f = f.to_str().unwrap();
        for args in [
            vec!["drift", &format!("{HOTROD}/design.arch.yaml"), f],
            vec![
                "estimate",
                &format!("{HOTROD}/design.arch.yaml"),
                "--observed",
                f,
                "--window",
                "1h",
            ],
        ] {
            let args: Vec<&str> = args.iter().map(|s| s.as_ref()).collect();
            let o = run(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            let err = stderr(&o).split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                err.contains(&format!("is not a regular file (it is {what})")),
                "{}",
                stderr(&o)
            );
        }
    }
}

#[test]
fn large_recordings_read_in_linear_time() {
    // 10,000 service pairs, as JSON and as service-graph metrics with histograms
    let d = Dir::new("drift-large");
    let mut json_items = Vec::new();
    let mut prom = String::new();
    for i in 0..10_000 {
        json_items.push(format!(
            "{{\"parent\": \"s{i}\", \"child\": \"s{}\", \"callCount\": {i}}}",
            i + 1
        ));
        prom.push_str(&format!(
            "traces_service_graph_request_total{{client=\"s{i}\",server=\"s{}\"}} {i}\n",
            i + 1
        ));
        for (le, c) in [("0.1", 1), ("1", 2), ("+Inf", 3)] {
            prom.push_str(&format!(
                "traces_service_graph_request_server_seconds_bucket{{client=\"s{i}\",server=\"s{}\",le=\"{le}\"}} {c}\n",
                i + 1
            ));
        }
    }
    let j = d.write("big.json", &format!("[{}]", json_items.join(",\n")));
    let p = d.write("big.prom", &prom);
    for f in [&j, &p] {
        let t = std::time::Instant::now();
        let o = run(&[
            "drift",
            &format!("{HOTROD}/design.arch.yaml"),
            f,
            "--format",
            "json",
        ]);
        // only unknown services (infos): below the default --fail-on
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(t.elapsed().as_secs() < 20, "{f} took {:?}", t.elapsed());
        // every unknown service is reported once
        assert_eq!(json(&o)["diagnostics"].as_array().unwrap().len(), 10_001);
    }
}
