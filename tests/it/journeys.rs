//! User journeys — each checked against its own latency and availability
//! targets; a step that does not call the next is an input error (tests/invalid.rs).

use crate::common;

use common::*;

#[test]
fn a_journey_over_its_budgets_is_reported_at_the_journey() {
    let r = lint_file(
        "tests/fixtures/journeys/over-budget.arch.yaml",
        &["latency-budget-exceeded", "availability-below-target"],
    );
    assert!(!r.input_error, "{:?}", r.diagnostics);
    let paths: Vec<(&str, &str)> = r
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            ("availability-below-target", "journeys.checkout"),
            ("latency-budget-exceeded", "journeys.checkout")
        ]
    );
    let lat = &r.diagnostics[1];
    assert!(
        lat.message.contains("journey `checkout`"),
        "{}",
        lat.message
    );
    assert!(
        lat.message
            .contains("api 50ms + orders 200ms + db 80ms = 330ms"),
        "{}",
        lat.message
    );
    let av = &r.diagnostics[0];
    assert!(
        av.message.contains("= 99.8998% < its 99.95% target"),
        "{}",
        av.message
    );
    insta::assert_snapshot!(
        "journey_human",
        human(lint_file(
            "tests/fixtures/journeys/over-budget.arch.yaml",
            &["latency-budget-exceeded", "availability-below-target"]
        ))
    );
    insta::assert_snapshot!(
        "journey_json",
        json_of(lint_file(
            "tests/fixtures/journeys/over-budget.arch.yaml",
            &["latency-budget-exceeded", "availability-below-target"]
        ))
    );
}

#[test]
fn a_journey_within_its_budgets_is_not() {
    let r = lint_file(
        "tests/fixtures/journeys/within-budget.arch.yaml",
        &["latency-budget-exceeded", "availability-below-target"],
    );
    assert!(
        !r.input_error && r.diagnostics.is_empty(),
        "{:?}",
        r.diagnostics
    );
}

#[test]
fn the_report_lists_journeys_with_their_arithmetic() {
    let text = stdout(&run(&[
        "report",
        "tests/fixtures/journeys/over-budget.arch.yaml",
    ]));
    let sec3 = &text[text.find("## 3.").unwrap()..text.find("## 4.").unwrap()];
    assert!(sec3.contains("### Journeys"), "{sec3}");
    assert!(sec3.contains("| checkout | web → api → orders → db | api 50ms + orders 200ms + db 80ms = 330ms **over** the 300ms budget | 99.8998% **misses** the 99.95% target |"), "{sec3}");
}
