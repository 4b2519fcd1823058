//! `relational-over-10tb`: A relational database holds more than 10TB without sharding.

use super::prelude::*;

declare_rule! {
    id: "relational-over-10tb",
    category: Components,
    severity: Warning,
    section: 5,
    summary: "A relational database holds more than 10TB without sharding.",
    options: { max_tb: 10.0 },
    references: [
        "Microsoft Azure Architecture Center, *Sharding pattern* <https://learn.microsoft.com/en-us/azure/architecture/patterns/sharding>",
        "Martin Kleppmann, *Designing Data-Intensive Applications* (O'Reilly, 2017), ch. 6 *Partitioning*",
    ],
    check: check,
}

fn check(cx: &Ctx, opts: &Options) -> Vec<Diagnostic> {
    let m = cx.m;
    let limit = opts.max_tb * 1e12;
    let dbs: Vec<&Component> = m
        .components
        .iter()
        .filter(|c| c.kind() == Kind::Database)
        .collect();
    let req_volume = m
        .requirements
        .as_ref()
        .and_then(|r| r.scale.as_ref())
        .and_then(|s| s.v.data_volume.as_ref());
    let mut out = Vec::new();
    for c in &dbs {
        if c.db_model() != Some(DbModel::Relational)
            || c.more().sharded.as_ref().is_some_and(|s| s.v)
        {
            continue;
        }
        if c.tech()
            .and_then(tech::lookup)
            .is_some_and(|t| t.distributed)
        {
            continue; // NewSQL stores shard by themselves
        }
        let (volume, path, span, source) = match (&c.more().data_volume, req_volume) {
            (Some(v), _) => (
                v.v,
                c.field_path("data_volume"),
                v.span,
                "its `data_volume`".to_string(),
            ),
            (None, Some(r)) if dbs.len() == 1 => (
                r.v,
                c.path(),
                c.span,
                "the required `data_volume`, and it is the only database".to_string(),
            ),
            _ => continue,
        };
        if volume <= limit {
            continue;
        }
        let mut d = cx
            .diag(path, span, format!(
                "relational database `{}` ({}) holds {} ({source}), more than {} on one unsharded node",
                c.id, tech_name(c), fmt_size(volume), fmt_size(limit)
            ))
            .label(format!("{} unsharded", fmt_size(volume)))
            .help("shard it by a key the queries share (e.g. tenant or user id) and set `sharded: true`, move cold data to an object store, or use a distributed SQL store such as CockroachDB or Spanner");
        if c.more().data_volume.is_none()
            && let Some(r) = req_volume
        {
            d = d.related("requirements.scale", r.span, "required data volume");
        }
        out.push(d);
    }
    out
}
