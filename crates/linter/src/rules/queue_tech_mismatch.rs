//! `queue-tech-mismatch`: The queue technology does not fit what the queue needs.

use super::prelude::*;

declare_rule! {
    id: "queue-tech-mismatch",
    category: Components,
    severity: Info,
    section: 4,
    summary: "The queue technology does not fit what the queue needs.",
    options: { high_throughput: 50000.0 },
    references: [
        "Jay Kreps, *The Log: What every software engineer should know about real-time data's unifying abstraction* <https://engineering.linkedin.com/distributed-systems/log-what-every-software-engineer-should-know-about-real-time-datas-unifying>",
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 11 *Stream Processing* (logs versus message brokers)",
    ],
    check: check,
}

fn check(cx: &Ctx, opts: &Options) -> Vec<Diagnostic> {
    let high = opts.high_throughput;
    let mut out = Vec::new();
    for c in &cx.m.components {
        if c.kind() != Kind::Queue {
            continue;
        }
        let Some(t) = &c.tech else { continue };
        let Some(info) = tech::lookup(&t.v) else {
            continue;
        };
        let replay = c.more().replay.as_ref().is_some_and(|r| r.v);
        let ordering = c.more().ordering.as_ref().is_some_and(|o| o.v);
        let throughput = c.more().throughput.as_ref().map(|x| x.v);
        let is_high = throughput.is_some_and(|x| x > high);
        match info.queue {
            Some(QueueFamily::TaskQueue) if replay || (ordering && is_high) => {
                let need = if replay {
                    "`replay: true`: consumers must re-read old messages".to_string()
                } else {
                    format!(
                        "ordering at {} messages/s",
                        fmt_count(throughput.unwrap_or(0.0))
                    )
                };
                out.push(
                    cx.diag(c.field_path("tech"), t.span, format!(
                        "queue `{}` needs {need}, but {} is a task queue that deletes messages once they are acknowledged",
                        c.id, info.name
                    ))
                    .label(format!("{} is a task queue", info.name))
                    .help("use a log such as Kafka, Kinesis or Pulsar: it keeps messages for replay and orders them per partition at high throughput"),
                );
            }
            Some(QueueFamily::Log) if !replay && !ordering && !is_high => {
                out.push(
                    cx.diag(c.field_path("tech"), t.span, format!(
                        "queue `{}` uses {}, a partitioned log, as a plain task queue: nothing needs replay, ordering or high throughput",
                        c.id, info.name
                    ))
                    .label(format!("{} for a task queue", info.name))
                    .help("a task queue such as SQS or RabbitMQ gives per-message acknowledgement, retries and dead letters with less to operate; keep the log if you will need replay (then set `replay: true`)"),
                );
            }
            _ => {}
        }
    }
    out
}
