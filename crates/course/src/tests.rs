use super::*;

const TODAY: Date = Date {
    year: 2026,
    month: 6,
    day: 1,
};

fn goals(e: &Exercise, text: &str) -> Vec<Goal> {
    grade(e, &SourceFile::new("t.arch.yaml", text), TODAY).unwrap_or_else(|r| {
        panic!(
            "exercise {}: input errors: {:?}",
            e.n,
            r.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
        )
    })
}

fn unmet(g: &[Goal]) -> Vec<String> {
    g.iter()
        .filter(|g| !g.met)
        .map(|g| format!("{}: {:?}", g.text, g.why))
        .collect()
}

#[test]
fn at_least_24_exercises_numbered_in_order_with_real_rules_and_hints() {
    assert!(EXERCISES.len() >= 24);
    for (i, e) in EXERCISES.iter().enumerate() {
        assert_eq!(e.n as usize, i + 1);
        assert!(!e.rules.is_empty());
        for r in e.rules {
            assert!(archlint_linter::rules::find(r).is_some(), "{}: {r}", e.n);
        }
        assert_eq!(
            hints(e).len(),
            3,
            "exercise {}: a question, why, the fix",
            e.n
        );
        assert_eq!(exercise_of(e.design), Some(e.n));
        assert_eq!(exercise_of(e.solution), Some(e.n));
        // the files read in an 80-column terminal and editor
        for (what, text) in [
            ("design", design_file(e)),
            ("solution", e.solution.to_string()),
        ] {
            for l in text.lines() {
                assert!(l.chars().count() <= 80, "exercise {} {what}: {l}", e.n);
            }
        }
    }
    // the order of a design review
    let steps: Vec<&str> = EXERCISES.iter().map(|e| e.step).collect();
    let mut order: Vec<&str> = steps.clone();
    order.dedup();
    let distinct: BTreeSet<&str> = steps.iter().copied().collect();
    assert_eq!(
        order.len(),
        distinct.len(),
        "each step's exercises together: {order:?}"
    );
    assert_eq!(order[0], "Clarify the requirements");
}

#[test]
fn every_design_fails_its_goal_and_every_solution_meets_it() {
    for e in EXERCISES {
        let given = goals(e, e.design);
        let rule_goals = &given[..e.rules.len()];
        assert!(
            rule_goals.iter().all(|g| !g.met),
            "exercise {}: the design must show every rule of its goal: {:?}",
            e.n,
            rule_goals
        );
        // the other goals hold for the design as given
        assert!(
            given[e.rules.len()..].iter().all(|g| g.met),
            "exercise {}: {:?}",
            e.n,
            unmet(&given)
        );
        let solved = goals(e, e.solution);
        assert!(
            unmet(&solved).is_empty(),
            "exercise {}'s solution: {:?}",
            e.n,
            unmet(&solved)
        );
    }
}

#[test]
fn deleting_or_suppressing_never_passes() {
    for e in EXERCISES {
        // the design deleted, its name and exercise kept
        let empty = format!("x-learn: {}\nname: gone\ncomponents: {{}}\n", e.n);
        assert!(!unmet(&goals(e, &empty)).is_empty(), "exercise {}", e.n);
        // every rule of the goal allowed for the whole file
        let allow: String = e
            .rules
            .iter()
            .map(|r| format!("  {r}: \"not today\"\n"))
            .collect();
        let suppressed = format!("{}allow:\n{allow}", e.design);
        let g = goals(e, &suppressed);
        assert!(
            g.iter().any(|g| g.text.contains("allow") && !g.met),
            "exercise {}: {:?}",
            e.n,
            g
        );
        // the file no longer names the exercise
        let other = e
            .solution
            .replacen(&format!("x-learn: {}", e.n), "x-learn: 999", 1);
        assert!(!unmet(&goals(e, &other)).is_empty(), "exercise {}", e.n);
    }
}

#[test]
fn a_relaxed_requirement_or_a_lost_path_does_not_pass() {
    // exercise 25: lowering the target would silence the rule
    let e = find(25).unwrap();
    let relaxed = e
        .solution
        .replace("availability: 99.99%", "availability: 99%");
    let u = unmet(&goals(e, &relaxed));
    assert!(
        u.iter().any(|x| x.contains("requirements.availability")),
        "{u:?}"
    );
    // exercise 4: cutting the fraud check off the design shortens the chain too
    let e = find(4).unwrap();
    let cut = e
        .design
        .replace("calls: [{ to: fraud, timeout: 200ms }]", "calls: []");
    let u = unmet(&goals(e, &cut));
    assert!(
        u.iter()
            .any(|x| x.contains("no path from a client reaches `fraud`")),
        "{u:?}"
    );
}
