//! `no-dead-letter`: A queue that redelivers has no dead-letter destination.

use super::prelude::*;

declare_rule! {
    id: "no-dead-letter",
    category: Resilience,
    severity: Warning,
    section: 7,
    summary: "A queue that redelivers has no dead-letter destination.",
    references: [
        "AWS, *Amazon SQS dead-letter queues* <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html>",
        "Gregor Hohpe and Bobby Woolf, *Enterprise Integration Patterns* (2003), *Dead Letter Channel* <https://www.enterpriseintegrationpatterns.com/patterns/messaging/DeadLetterChannel.html>",
    ],
    check: check,
}

/// A queue delivering at least once (or not saying) with `dead_letter: false`, or with
/// no `dead_letter` and a consumer that retries: a message that always fails has
/// nowhere to go.
fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let m = cx.m;
    let mut out = Vec::new();
    for (qi, q) in m.components.iter().enumerate() {
        if q.kind() != Kind::Queue {
            continue;
        }
        let more = q.more();
        if more
            .delivery
            .as_ref()
            .is_some_and(|d| d.v != Delivery::AtLeastOnce)
        {
            continue; // at most once drops, exactly once is the broker's business
        }
        let off = match &more.dead_letter {
            Some(d) if d.v => continue,
            Some(d) => Some(d),
            None => None,
        };
        // the consumers that retry what they read
        let mut retrying: Vec<(String, Span, String)> = Vec::new();
        for e in cx.g.outgoing(qi) {
            let ed = cx.g.edges[e];
            let Origin::Consume(i) = ed.origin else {
                continue;
            };
            let c = &m.components[ed.to];
            let cons = &c.consumes[i];
            if let Some(r) = cons.retry.as_ref().filter(|r| r.v.retries()) {
                retrying.push((
                    format!("{}.retry", c.consume_path(i)),
                    r.span,
                    format!("`{}` tries each message {} times", c.id, r.v.attempts()),
                ));
            }
        }
        if off.is_none() && retrying.is_empty() {
            continue;
        }
        let why = match (off, retrying.len()) {
            (Some(_), 0) => "has `dead_letter: false`".to_string(),
            (Some(_), _) => "has `dead_letter: false`, and its consumers retry".to_string(),
            (None, _) => "has no dead-letter destination, and its consumers retry".to_string(),
        };
        let (path, span) = match off {
            Some(d) => (q.field_path("dead_letter"), d.span),
            None => (q.path(), q.span),
        };
        let mut d = cx
            .diag(
                path,
                span,
                format!(
                    "queue `{}` {why}: a message that always fails blocks its partition or is dropped after the last retry",
                    q.id
                ),
            )
            .label("no dead-letter destination")
            .help("set `dead_letter: true` and watch the dead-letter queue (an alert, a replay tool), or accept the loss with an `allow` and a reason");
        for (p, sp, msg) in retrying {
            d = d.related(p, sp, msg);
        }
        out.push(d);
    }
    out
}
