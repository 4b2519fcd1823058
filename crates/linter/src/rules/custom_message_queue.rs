//! `custom-message-queue`: A home-grown message queue or broker.

use super::prelude::*;

declare_rule! {
    id: "custom-message-queue",
    category: AntiPatterns,
    severity: Warning,
    section: 3,
    summary: "A home-grown message queue or broker.",
    references: [
        "Jay Kreps, *The Log: What every software engineer should know about real-time data's unifying abstraction* <https://engineering.linkedin.com/distributed-systems/log-what-every-software-engineer-should-know-about-real-time-datas-unifying>",
        "RabbitMQ documentation, *Reliability Guide* <https://www.rabbitmq.com/docs/reliability>",
    ],
    check: check,
}

fn check(cx: &Ctx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let help = "run a proven broker instead (Kafka for a replayable log, RabbitMQ or SQS for a task queue): delivery guarantees, redelivery, dead letters, back-pressure and monitoring are hard to get right and are already built";
    for c in &cx.m.components {
        match c.kind() {
            Kind::Queue => {
                let Some(t) = &c.tech else { continue };
                if custom_tech_re().is_match(&t.v) {
                    out.push(
                        cx.diag(
                            c.field_path("tech"),
                            t.span,
                            format!("queue `{}` is a home-grown broker (`tech: {}`)", c.id, t.v),
                        )
                        .label("custom message queue")
                        .help(help),
                    );
                }
            }
            Kind::Service | Kind::Worker => {
                // a consumer of, or publisher to, a real queue is a broker's client
                // (RabbitMQ's `queue-master`), not a home-made broker
                let uses_broker = c.consumes.iter().any(|x| is_queue(cx, &x.from.v))
                    || c.calls.iter().any(|x| is_queue(cx, &x.to.v));
                if uses_broker {
                    continue;
                }
                let id_words = c.id.replace(['_', '.'], "-");
                let by_id = queue_word_re().is_match(&id_words)
                    && !queue_user_re().is_match(&id_words.replace('-', " "));
                let by_tech = c
                    .tech
                    .as_ref()
                    .filter(|t| queue_word_re().is_match(&t.v) && !queue_user_re().is_match(&t.v));
                let by_desc = c
                    .description
                    .as_ref()
                    .filter(|d| self_description_re().is_match(&d.v));
                let reason = if let Some(t) = by_tech {
                    Some((
                        c.field_path("tech"),
                        t.span,
                        format!("its tech `{}` says it is a queue", t.v),
                    ))
                } else if by_id {
                    Some((
                        c.path(),
                        c.span,
                        format!("its id `{}` says it is a queue or broker", c.id),
                    ))
                } else {
                    by_desc.map(|d| {
                        (
                            c.field_path("description"),
                            d.span,
                            "its description says it is a queue or broker".to_string(),
                        )
                    })
                };
                if let Some((path, span, why)) = reason {
                    out.push(
                        cx.diag(
                            path,
                            span,
                            format!(
                                "{} `{}` implements a message queue itself ({why})",
                                c.kind(),
                                c.id
                            ),
                        )
                        .label("a queue built as a service")
                        .help(help),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

fn custom_tech_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(custom|in[- ]?house|home[- ]?grown|home[- ]?made|hand[- ]?rolled|hand[- ]?written|bespoke|proprietary|our own|own|diy)\b").unwrap())
}

fn queue_word_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(queues?|broker|message[- ]?bus|event[- ]?bus|mq|pub[-/ ]?sub)\b")
            .unwrap()
    })
}

/// Words that make an id or description about a *user* of a queue, not a queue.
fn queue_user_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(consumers?|workers?|processors?|readers?|pollers?|producers?|publishers?|listeners?|handlers?|clients?|subscribers?|monitor|dashboard|admin|consumes?|consuming|reads?|from|publishes|publishing|into|to|onto)\b").unwrap())
}

/// Phrases in a description that say the component *is* a queue.
fn self_description_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(^\s*(an?\s+|the\s+|our\s+)?((custom|in[- ]?house|home[- ]?grown|simple|lightweight|internal)\s+)?(job\s+|task\s+|message\s+|work\s+)?(queue|broker|message[- ]?bus|event[- ]?bus)\b|\b(acts|serves|works|functions)\s+as\s+(an?\s+|the\s+)?(job\s+|task\s+|message\s+)?(queue|broker|message[- ]?bus)\b|\b(implements|provides|is)\s+(an?\s+|the\s+|our\s+)?(own\s+)?((custom|in[- ]?house|home[- ]?grown)\s+)?(job\s+|task\s+|message\s+)?(queue|broker|message[- ]?bus)\b|\b(custom|in[- ]?house|home[- ]?grown|hand[- ]?rolled|bespoke)\s+(job\s+|task\s+|message\s+)?(queue|broker|message[- ]?bus)\b)").unwrap()
    })
}

fn is_queue(cx: &Ctx, id: &str) -> bool {
    cx.m.index
        .get(id)
        .is_some_and(|&i| cx.m.components[i].kind() == Kind::Queue)
}
