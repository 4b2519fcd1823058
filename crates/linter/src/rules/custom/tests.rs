use super::*;

#[test]
fn globs() {
    assert!(glob("pay*", "payments"));
    assert!(glob("*-db", "orders-db"));
    assert!(glob("a?c", "ABC"));
    assert!(!glob("pay*", "repay"));
    assert!(glob("*", ""));
    assert!(!glob("a", "ab"));
}

#[test]
fn comparisons_and_placeholders() {
    assert_eq!(
        split_cmp("<= 8").map(|(o, r)| (o, r.to_string())),
        Some((Op::Le, "8".into()))
    );
    assert_eq!(parse_num(Unit::Duration, "500ms"), Ok(0.5));
    assert!(Op::Lt.holds(0.2, 0.5));
    assert_eq!(placeholders("{kind} `{id}` has {no owner}"), ["kind", "id"]);
}
