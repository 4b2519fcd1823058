//! The back-of-envelope capacity estimate (`estimate`, `capacity-exceeded`, the review).
//!
//! Peak rate = daily_active_users × requests_per_user_per_day / 86,400 × peak_to_average.
//! How it reaches each component is the traffic model's ([`crate::traffic`]).

use serde::Serialize;

use crate::graph::SystemGraph;
use crate::traffic::{Source, Why};
use archlint_core::model::quantity::{fmt_count, fmt_size, trim_num};
use archlint_core::model::{Architecture, Growth, Kind, Retention};

const SECONDS_PER_DAY: f64 = 86_400.0;
const YEAR: f64 = 365.0 * SECONDS_PER_DAY;

#[derive(Debug, Clone, Serialize)]
pub struct Traffic {
    pub daily_active_users: f64,
    pub requests_per_user_per_day: f64,
    pub peak_to_average: f64,
    pub mean_rps: f64,
    pub peak_rps: f64,
    /// Shares of reads and writes (from the ratio), if stated.
    pub read_share: Option<f64>,
    pub formula: String,
}

impl Traffic {
    pub fn reads_peak(&self) -> Option<f64> {
        self.read_share.map(|s| self.peak_rps * s)
    }
    pub fn writes_peak(&self) -> Option<f64> {
        self.read_share.map(|s| self.peak_rps * (1.0 - s))
    }
}

pub fn traffic(m: &Architecture) -> Option<Traffic> {
    let r = m.requirements.as_ref()?;
    let s = &r.scale.as_ref()?.v;
    let dau = s.daily_active_users.as_ref()?.v;
    let rpu = s.requests_per_user_per_day.as_ref()?.v;
    let p2a = s.peak_to_average.as_ref().map_or(2.0, |p| p.v);
    let mean = dau * rpu / SECONDS_PER_DAY;
    let peak = mean * p2a;
    let read_share = r.read_write_ratio.as_ref().map(|x| x.v.0 / (x.v.0 + x.v.1));
    let default_note = if s.peak_to_average.is_none() {
        " (default peak factor)"
    } else {
        ""
    };
    let formula = format!(
        "{} DAU × {} requests / 86,400 s ≈ {} rps mean, × {} peak{default_note} ≈ {} rps",
        fmt_count(dau),
        trim_num(rpu),
        fmt_count(mean),
        trim_num(p2a),
        fmt_count(peak)
    );
    Some(Traffic {
        daily_active_users: dau,
        requests_per_user_per_day: rpu,
        peak_to_average: p2a,
        mean_rps: mean,
        peak_rps: peak,
        read_share,
        formula,
    })
}

/// Peak requests per second reaching each component ([`crate::traffic`]).
pub fn loads(m: &Architecture, g: &SystemGraph, t: &Traffic) -> Vec<f64> {
    crate::traffic::loads(m, g, t.peak_rps, t.read_share)
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentLoad {
    pub component: String,
    pub kind: String,
    pub peak_rps: f64,
    pub replicas: u64,
    /// Capacity of one replica, requests per second.
    pub capacity_per_replica: Option<f64>,
    pub utilisation: Option<f64>,
    /// Where the load comes from: each call or consume that brings part of it.
    pub sources: Vec<Source>,
    /// For a store: the reads and the writes in its load (by the calls' `access`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reads_rps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writes_rps: Option<f64>,
    /// For a queue: its stated `throughput`, which replaced what its producers bring.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub throughput_stated: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Storage {
    pub today_bytes: f64,
    pub horizon_years: f64,
    pub after_bytes: f64,
    pub formula: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bandwidth {
    pub ingress_bytes_per_s: Option<f64>,
    pub egress_bytes_per_s: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Estimate {
    pub traffic: Option<Traffic>,
    pub storage: Option<Storage>,
    pub bandwidth: Option<Bandwidth>,
    /// Busiest first: by utilisation where capacity is known, else by load.
    pub components: Vec<ComponentLoad>,
    pub bottleneck: Option<String>,
    /// Things the estimate could not compute, and why.
    pub missing: Vec<String>,
    /// Requests per second on each entity, from the data model's stated access
    /// pattern rates, busiest first.
    pub entities: Vec<EntityLoad>,
    /// The journeys that state their share of the peak, and the load each puts on its
    /// steps.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub journeys: Vec<JourneyLoad>,
}

/// Whether the design has clients: the peak enters there (without them it enters at
/// the root entry points, externals included).
fn flow_has_clients(m: &Architecture) -> bool {
    m.components.iter().any(|c| c.kind() == Kind::Client)
}

/// The load a journey with a stated `share` puts on each of its steps.
#[derive(Debug, Clone, Serialize)]
pub struct JourneyLoad {
    pub journey: String,
    pub share: f64,
    pub rps: f64,
    pub steps: Vec<String>,
}

/// The journeys that state a share, with their rates at `peak`.
pub fn journey_loads(m: &Architecture, peak: f64) -> Vec<JourneyLoad> {
    m.journeys
        .iter()
        .filter_map(|j| {
            let share = j.share.as_ref()?.v;
            Some(JourneyLoad {
                journey: j.name.clone(),
                share,
                rps: peak * share,
                steps: j.steps.iter().map(|s| s.v.clone()).collect(),
            })
        })
        .collect()
}

/// The stated load on one entity: the sum of its access patterns' `rate`.
#[derive(Debug, Clone, Serialize)]
pub struct EntityLoad {
    pub entity: String,
    pub store: String,
    pub rps: f64,
    /// Each pattern with a rate: (what, rps).
    pub patterns: Vec<(String, f64)>,
}

/// Entity loads from the access patterns that state a `rate`.
pub fn entity_loads(m: &Architecture) -> Vec<EntityLoad> {
    let mut v: Vec<EntityLoad> = m
        .entities
        .iter()
        .filter_map(|e| {
            let patterns: Vec<(String, f64)> = e
                .access_patterns
                .iter()
                .filter_map(|p| {
                    let r = p.rate?;
                    Some((p.what(), r))
                })
                .collect();
            (!patterns.is_empty()).then(|| EntityLoad {
                entity: e.name.clone(),
                store: e.store.as_ref().map_or(String::new(), |s| s.v.clone()),
                rps: patterns.iter().map(|(_, r)| r).sum(),
                patterns,
            })
        })
        .collect();
    v.sort_by(|a, b| {
        b.rps
            .total_cmp(&a.rps)
            .then_with(|| a.entity.cmp(&b.entity))
    });
    v
}

pub fn storage(m: &Architecture) -> Option<Storage> {
    let r = m.requirements.as_ref()?;
    let scale = r.scale.as_ref().map(|s| &s.v);
    let today = scale
        .and_then(|s| s.data_volume.as_ref().map(|d| d.v))
        .or_else(|| {
            let sum: f64 = m
                .components
                .iter()
                .filter_map(|c| c.more().data_volume.as_ref().map(|d| d.v))
                .sum();
            (sum > 0.0).then_some(sum)
        })?;
    let (years, horizon_note) = match r.retention.as_ref().map(|x| x.v) {
        Some(Retention::Seconds(s)) => (
            s / YEAR,
            format!(
                "retention {}",
                archlint_core::model::quantity::fmt_duration(s)
            ),
        ),
        Some(Retention::Forever) => (5.0, "retention forever, shown at 5 years".to_string()),
        None => (1.0, "no retention stated, shown at 1 year".to_string()),
    };
    let (after, how) = match scale.and_then(|s| s.growth_per_year.as_ref()).map(|g| g.v) {
        Some(Growth::Factor(f)) => (
            today * f.powf(years),
            format!("{} × {}^{}", fmt_size(today), trim_num(f), trim_num(years)),
        ),
        Some(Growth::Bytes(b)) => (
            today + b * years,
            format!(
                "{} + {}/year × {}",
                fmt_size(today),
                fmt_size(b),
                trim_num(years)
            ),
        ),
        None => (today, format!("{} (no growth stated)", fmt_size(today))),
    };
    Some(Storage {
        today_bytes: today,
        horizon_years: years,
        after_bytes: after,
        formula: format!("{how} ≈ {} ({horizon_note})", fmt_size(after)),
    })
}

pub fn estimate(m: &Architecture, g: &SystemGraph) -> Estimate {
    let mut missing = Vec::new();
    let t = traffic(m);
    if t.is_none() {
        missing.push("request rates: set requirements.scale.daily_active_users and requests_per_user_per_day".to_string());
    }
    let st = storage(m);
    if st.is_none() {
        missing.push(
            "storage: set requirements.scale.data_volume (or data_volume on the stores)"
                .to_string(),
        );
    }
    let bandwidth = t.as_ref().and_then(|t| {
        let s = &m.requirements.as_ref()?.scale.as_ref()?.v;
        let inb = s.request_size.as_ref().map(|x| x.v * t.peak_rps);
        let outb = s.response_size.as_ref().map(|x| x.v * t.peak_rps);
        (inb.is_some() || outb.is_some()).then_some(Bandwidth {
            ingress_bytes_per_s: inb,
            egress_bytes_per_s: outb,
        })
    });
    if t.is_some() && bandwidth.is_none() {
        missing
            .push("bandwidth: set requirements.scale.request_size and response_size".to_string());
    }
    let mut components = Vec::new();
    let mut bottleneck = None;
    if let Some(t) = &t {
        let mut flow = crate::traffic::flow(m, g, t.peak_rps, t.read_share);
        let load = &flow.load;
        for (i, c) in m.components.iter().enumerate() {
            if load[i] <= 0.0 || c.kind() == Kind::Client {
                continue;
            }
            let cap = c.capacity.as_ref().map(|x| x.v);
            let store = matches!(c.kind(), Kind::Database | Kind::Cache | Kind::ObjectStore);
            let split = store && flow.unsplit[i] == 0.0 && flow.reads[i] + flow.writes[i] > 0.0;
            components.push(ComponentLoad {
                component: c.id.clone(),
                kind: c.kind().to_string(),
                peak_rps: load[i],
                replicas: c.replicas(),
                capacity_per_replica: cap,
                utilisation: cap.map(|cap| load[i] / (cap * c.replicas() as f64)),
                sources: std::mem::take(&mut flow.sources[i]),
                reads_rps: split.then_some(flow.reads[i]),
                writes_rps: split.then_some(flow.writes[i]),
                throughput_stated: flow.throughput_stated[i],
            });
        }
        components.sort_by(|a, b| {
            busiest_first(
                (a.utilisation.unwrap_or(-1.0), a.peak_rps, &a.component),
                (b.utilisation.unwrap_or(-1.0), b.peak_rps, &b.component),
            )
        });
        bottleneck = components.first().map(|c| c.component.clone());
        // the peak is the users' (the clients'): an external system calling in brings
        // traffic the requirements do not size
        let has_clients = flow_has_clients(m);
        let mut outside: Vec<&str> = m
            .components
            .iter()
            .enumerate()
            .filter(|&(i, c)| {
                c.kind() == Kind::External
                    && g.outgoing(i).any(|e| !g.edges[e].startup)
                    && has_clients
            })
            .map(|(_, c)| c.id.as_str())
            .collect();
        outside.sort_unstable();
        if !outside.is_empty() {
            missing.push(format!(
                "traffic from {}: the peak is the clients' (the users'); to count an external caller, make it a `client` with a `share:`",
                outside.join(", ")
            ));
        }
        if components.iter().all(|c| c.capacity_per_replica.is_none()) && !components.is_empty() {
            missing.push(
                "utilisation: set `capacity` (requests per second per replica) on the components"
                    .to_string(),
            );
        }
    }
    let journeys = t
        .as_ref()
        .map_or_else(Vec::new, |t| journey_loads(m, t.peak_rps));
    Estimate {
        traffic: t,
        storage: st,
        bandwidth,
        components,
        bottleneck,
        missing,
        entities: entity_loads(m),
        journeys,
    }
}

/// One source of a component's load as arithmetic a reviewer can redo:
/// `= gateway 694 rps × 1/3 = 231 rps (even split: set share: on its calls)`.
pub fn explain(x: &Source) -> String {
    let from = if x.from.is_empty() {
        "the system's peak".to_string()
    } else {
        x.from.clone()
    };
    let base = if x.fraction > 0.0 {
        x.rps / x.fraction
    } else {
        0.0
    };
    let pct = |f: f64| format!("{}%", trim_num(f * 100.0));
    // an even part shown as 1/n when it is one
    let part = |f: f64| {
        let n = (1.0 / f).round();
        if f > 0.0 && n >= 2.0 && (f * n - 1.0).abs() < 1e-9 {
            format!("1/{n}")
        } else {
            pct(f)
        }
    };
    let (factor, why) = match x.why {
        Why::ClientShare if x.assumed => (
            part(x.fraction),
            "even split between the clients: set share: on each",
        ),
        Why::ClientShare if x.fraction >= 1.0 - 1e-9 => (pct(x.fraction), "the only client"),
        Why::ClientShare => (pct(x.fraction), "its share:"),
        Why::Share => (pct(x.fraction), "share: on the call"),
        Why::EvenSplit if x.assumed => (part(x.fraction), "even split: set share: on its calls"),
        Why::EvenSplit if x.fraction >= 1.0 - 1e-9 => {
            ("1".to_string(), "its only synchronous call")
        }
        Why::EvenSplit => (pct(x.fraction), "what its shares leave"),
        Why::PerRequest => (trim_num(x.fraction), "per_request"),
        Why::EachRequest => ("1".to_string(), "each request"),
        Why::CacheMiss => (pct(x.fraction), "the cache's read misses, and the writes"),
    };
    format!(
        "= {from} {} rps × {factor} = {} rps ({why})",
        fmt_count(base),
        fmt_count(x.rps)
    )
}

/// The order in which components are named as bottlenecks, each given as
/// (utilisation, peak load, id): the highest utilisation first, then the highest load,
/// then the smallest id. `estimate` and `capacity-exceeded` both rank by it, so they
/// name the same dominant bottleneck.
pub fn busiest_first(a: (f64, f64, &str), b: (f64, f64, &str)) -> std::cmp::Ordering {
    cmp_close(b.0, a.0)
        .then(cmp_close(b.1, a.1))
        .then_with(|| a.2.cmp(b.2))
}

/// Compare loads and utilisations, treating values within a relative 1e-9 as equal:
/// sums over the same fan-out in another order differ in the last bits, and a tie must
/// then fall to the component id, not to the order of the file.
pub fn cmp_close(a: f64, b: f64) -> std::cmp::Ordering {
    if (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) {
        std::cmp::Ordering::Equal
    } else {
        a.total_cmp(&b)
    }
}
