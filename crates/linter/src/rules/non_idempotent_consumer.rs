//! `non-idempotent-consumer`: A consumer of an at-least-once queue is not idempotent.

use super::prelude::*;

declare_rule! {
    id: "non-idempotent-consumer",
    category: Components,
    severity: Warning,
    section: 4,
    summary: "A consumer of an at-least-once queue is not idempotent.",
    references: [
        "Chris Richardson, *Pattern: Idempotent Consumer* <https://microservices.io/patterns/communication-style/idempotent-consumer.html>",
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 11 *Stream Processing* (idempotence, exactly-once)",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let mut out = Vec::new();
    for c in &m.components {
        for (i, cons) in c.consumes.iter().enumerate() {
            let Some(q) = m.component(&cons.from.v) else {
                continue;
            };
            let Some(delivery) = &q.more().delivery else {
                continue;
            };
            if delivery.v != Delivery::AtLeastOnce || cons.idempotent.as_ref().is_some_and(|x| x.v)
            {
                continue;
            }
            let said = if cons.idempotent.is_some() {
                "is marked `idempotent: false`"
            } else {
                "is not marked idempotent"
            };
            out.push(
                cx.diag(c.consume_path(i), cons.span, format!(
                    "`{}` consumes `{}`, which delivers at least once, and {said}: a redelivered message is processed twice",
                    c.id, q.id
                ))
                .label("duplicates will be processed twice")
                .help("make the handler idempotent (deduplicate on a message id, use upserts or conditional writes) and set `idempotent: true`")
                .related(q.field_path("delivery"), delivery.span, "`at-least-once` delivery redelivers messages"),
            );
        }
    }
    out
}
