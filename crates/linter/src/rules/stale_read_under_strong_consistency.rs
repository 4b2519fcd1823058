//! `stale-read-under-strong-consistency`: Strong or read-your-writes consistency, but a read from an asynchronous replica.

use super::prelude::*;

declare_rule! {
    id: "stale-read-under-strong-consistency",
    category: Components,
    severity: Warning,
    section: 5,
    summary: "Strong or read-your-writes consistency, but a read from an asynchronous replica.",
    references: [
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 5 *Replication* (problems with replication lag)",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let Some(cons) = m.requirements.as_ref().and_then(|r| r.consistency.as_ref()) else {
        return vec![];
    };
    if !matches!(cons.v, Consistency::Strong | Consistency::ReadYourWrites) {
        return vec![];
    }
    let mut out = Vec::new();
    for c in &m.components {
        for (i, call) in c.calls.iter().enumerate() {
            let Some(rf) = call
                .more()
                .read_from
                .as_ref()
                .filter(|r| r.v == ReadFrom::Replica)
            else {
                continue;
            };
            if !call.reads() {
                continue;
            }
            let Some(db) = m.component(&call.to.v) else {
                continue;
            };
            let Some(rep) = db
                .more()
                .replication
                .as_ref()
                .filter(|r| r.v == Replication::Async)
            else {
                continue;
            };
            out.push(
                cx.diag(c.call_path(i), call.span, format!(
                    "`{}` reads `{}` from an asynchronous replica, but the system requires {} consistency: a read can miss a write just made",
                    c.id, db.id, cons.v
                ))
                .label("stale read from an async replica")
                .help("read from the primary where the read must see the latest write (at least right after the user's own writes), or replicate synchronously")
                .related(c.call_path(i), rf.span, "`read_from: replica`")
                .related(db.field_path("replication"), rep.span, "replication is asynchronous")
                .related("requirements.consistency", cons.span, format!("{} consistency required", cons.v)),
            );
        }
    }
    out
}
