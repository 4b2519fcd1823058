//! What flips at 10× — `check --at` / `--in`, `estimate --at`, and the
//! review's "What flips at 10×".

use crate::common;

use common::*;

#[test]
fn findings_that_appear_only_at_10x_say_so() {
    let today = json(&run(&[
        "check",
        "--format",
        "json",
        "examples/shop.arch.yaml",
    ]));
    let o = run(&[
        "check",
        "--format",
        "json",
        "--at",
        "10x",
        "examples/shop.arch.yaml",
    ]);
    let at = json(&o);
    let (a, b) = (
        today["diagnostics"].as_array().unwrap(),
        at["diagnostics"].as_array().unwrap(),
    );
    // today's findings are all there, unmarked; the new ones are marked
    for d in a {
        assert!(
            b.iter()
                .any(|x| x["fingerprint"] == d["fingerprint"] && x.get("projected").is_none())
        );
    }
    let new: Vec<&serde_json::Value> = b.iter().filter(|x| x.get("projected").is_some()).collect();
    assert_eq!(new.len(), 1, "{at}");
    assert_eq!(new[0]["rule"], "relational-over-10tb");
    assert_eq!(new[0]["projected"], "10x");
    assert_eq!(new[0]["path"], "components.shop-db.data_volume");
    let msg = new[0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("at 10×: ") && msg.contains("holds 20TB"),
        "{msg}"
    );
    assert_eq!(b.len(), a.len() + 1);
    insta::assert_snapshot!(
        "shop_at_10x_human",
        stdout(&run(&[
            "check",
            "--at",
            "10x",
            "--select",
            "relational-over-10tb",
            "examples/shop.arch.yaml"
        ]))
    );
    insta::assert_snapshot!(
        "notification_at_10x_json",
        stdout(&run(&[
            "check",
            "--at",
            "10x",
            "--format",
            "json",
            "--select",
            "queue-tech-mismatch,relational-over-10tb",
            "examples/notification-service.arch.yaml"
        ]))
    );
}

#[test]
fn in_compounds_growth_per_year() {
    // retail-estate grows 1.4x a year: in 3y, 2.744x; orders-db 8TB -> 22TB
    let j = json(&run(&[
        "check",
        "--format",
        "json",
        "--in",
        "3y",
        "examples/retail-estate.arch.yaml",
    ]));
    let orders = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["rule"] == "relational-over-10tb" && d["path"] == "components.orders-db.data_volume"
        })
        .expect("orders-db crosses 10TB within 3 years");
    assert_eq!(orders["projected"], "3y");
    assert!(orders["message"].as_str().unwrap().starts_with("in 3y: "));
    // a design without growth cannot be projected in time
    let d = Dir::new("no-growth");
    let f = d.write("x.arch.yaml", "name: x\nrequirements:\n  scale: { daily_active_users: 1k }\ncomponents:\n  a: { kind: service }\n");
    let o = run(&["check", "--in", "2y", &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("growth_per_year"), "{}", stderr(&o));
    assert_eq!(
        run(&["check", "--at", "ten", "examples/shop.arch.yaml"])
            .status
            .code(),
        Some(2)
    );
}

/// photo-sharing: 2M users × 40 requests / 86,400 s × 3 = 2,777.78 rps at peak today;
/// at 10x 27,777.78 rps; data 4TB today, 40TB at 10x, and after the 5-year retention
/// at 1.5x a year 4TB × 1.5^5 = 30.375TB (303.75TB at 10x). In 2 years at 1.5x a year
/// the factor is 2.25: 6,250 rps and 9TB.
#[test]
fn estimate_arithmetic_under_projection() {
    let j = json(&run(&[
        "estimate",
        "--format",
        "json",
        "--at",
        "10x",
        "examples/photo-sharing.arch.yaml",
    ]));
    let close = |v: &serde_json::Value, want: f64| {
        (v.as_f64().unwrap() - want).abs() < 1e-6 * want.max(1.0)
    };
    assert!(close(
        &j["today"]["traffic"]["peak_rps"],
        2_000_000.0 * 40.0 / 86_400.0 * 3.0
    ));
    let p = &j["projected"]["estimate"];
    assert!(
        close(
            &p["traffic"]["peak_rps"],
            20_000_000.0 * 40.0 / 86_400.0 * 3.0
        ),
        "{p}"
    );
    assert!(close(&p["storage"]["today_bytes"], 40e12));
    assert!(close(&j["today"]["storage"]["after_bytes"], 30.375e12));
    assert!(close(&p["storage"]["after_bytes"], 303.75e12));
    let api = p["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == "api")
        .unwrap();
    assert!(close(&api["utilisation"], 27_777.777_777 / 8_000.0));
    let j = json(&run(&[
        "estimate",
        "--format",
        "json",
        "--in",
        "2y",
        "examples/photo-sharing.arch.yaml",
    ]));
    let p = &j["projected"]["estimate"];
    assert!(close(&j["projected"]["load_factor"], 2.25));
    assert!(close(&p["traffic"]["peak_rps"], 6_250.0), "{p}");
    assert!(close(&p["storage"]["today_bytes"], 9e12));
    let text = stdout(&run(&[
        "estimate",
        "--at",
        "10x",
        "examples/photo-sharing.arch.yaml",
    ]));
    assert!(
        text.contains("At 10×") && text.contains("27.8k (347%)  ← over capacity"),
        "{text}"
    );
}

#[test]
fn the_review_lists_what_flips_at_10x() {
    let text = stdout(&run(&["report", "examples/shop.arch.yaml"]));
    let flips = &text
        [text.find("### What flips at 10×").expect("the section")..text.find("## 7.").unwrap()];
    assert!(
        flips.contains("`shop-db` grows from 2TB to 20TB: relational database `shop-db`"),
        "{flips}"
    );
    let text = stdout(&run(&["report", "examples/url-shortener.arch.yaml"]));
    assert!(
        text.contains("`shortener`'s peak load grows from"),
        "{text}"
    );
}
