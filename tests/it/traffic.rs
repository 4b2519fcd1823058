//! The traffic model's invariants, as properties of random designs: the clients' loads
//! add up to the system's peak; a router's calls carry exactly what it receives; and
//! where each component is reached by one path only (no `per_request` above 1, no
//! stated queue throughput), no component's load exceeds the peak.

use archlint_core::source::SourceFile;
use archlint_linter::traffic::{Flow, Why, flow};
use proptest::prelude::*;

const PEAK: f64 = 1200.0;
const KINDS: &[&str] = &[
    "load-balancer",
    "gateway",
    "service",
    "service",
    "worker",
    "database",
    "cache",
    "queue",
    "external",
];

/// A random design: `clients` clients (some with shares, adding up to 100% at most),
/// then components each called from earlier ones (a DAG, so no cycle): from one caller
/// only when `tree`. Router calls may state shares, leaving at least one call without.
#[derive(Debug, Clone)]
struct Design {
    yaml: String,
}

fn design(tree: bool) -> impl Strategy<Value = Design> {
    (
        1usize..4,
        prop::collection::vec(any::<u32>(), 3),
        prop::collection::vec((any::<u32>(), any::<u32>(), any::<u32>(), any::<u32>()), 1..25),
    )
        .prop_map(move |(clients, client_shares, comps)| {
            let n = clients + comps.len();
            let ids: Vec<String> = (0..n)
                .map(|i| if i < clients { format!("client{i}") } else { format!("c{i}") })
                .collect();
            let kinds: Vec<&str> = (0..n)
                .map(|i| {
                    if i < clients {
                        "client"
                    } else {
                        KINDS[comps[i - clients].0 as usize % KINDS.len()]
                    }
                })
                .collect();
            // callers: each component gets one caller (tree) or a few (DAG)
            let mut calls: Vec<Vec<(usize, String)>> = vec![Vec::new(); n];
            for i in clients..n {
                let (_, a, b, extra) = comps[i - clients];
                let first = a as usize % i;
                calls[first].push((i, String::new()));
                if !tree && extra % 3 == 0 {
                    let second = b as usize % i;
                    if second != first {
                        calls[second].push((i, String::new()));
                    }
                }
            }
            // per_request on some calls (never above 1 in a tree), shares on some of a
            // router's calls (leaving one without)
            for (u, cs) in calls.iter_mut().enumerate() {
                let router = matches!(kinds[u], "client" | "load-balancer" | "gateway");
                // a router's last synchronous call takes what the shares leave
                let last_sync = cs.iter().rposition(|(t, _)| kinds[*t] != "queue");
                let mut left = 100u32;
                for (j, (t, extra)) in cs.iter_mut().enumerate() {
                    let seed = comps.get(j % comps.len()).map_or(0, |c| c.3 ^ u as u32);
                    if router {
                        if Some(j) != last_sync && kinds[*t] != "queue" && seed % 2 == 0 {
                            let s = (seed / 2) % (left / 2 + 1);
                            left -= s;
                            extra.push_str(&format!(", share: {s}%"));
                        }
                    } else if seed % 5 == 1 {
                        let p = if tree { "0.5" } else { "2" };
                        extra.push_str(&format!(", per_request: {p}"));
                    }
                }
            }
            let mut yaml = format!(
                "name: t\nrequirements:\n  scale: {{ daily_active_users: {}, requests_per_user_per_day: 1, peak_to_average: 1 }}\ncomponents:\n",
                PEAK * 86_400.0
            );
            let mut left = 100u32;
            for i in 0..n {
                yaml.push_str(&format!("  {}:\n    kind: {}\n", ids[i], kinds[i]));
                if i < clients && i + 1 < clients && client_shares[i] % 2 == 0 {
                    let s = (client_shares[i] / 2) % (left + 1);
                    left -= s;
                    yaml.push_str(&format!("    share: {s}%\n"));
                }
                if !calls[i].is_empty() {
                    yaml.push_str("    calls:\n");
                    for (t, extra) in &calls[i] {
                        yaml.push_str(&format!("      - {{ to: {}{extra} }}\n", ids[*t]));
                    }
                }
            }
            Design { yaml }
        })
}

fn flow_of(d: &Design) -> (archlint_linter::Analysis, Flow) {
    let a = archlint_linter::analyse(&SourceFile::new("t.arch.yaml", d.yaml.clone()))
        .unwrap_or_else(|e| {
            panic!(
                "{}\n{:?}",
                d.yaml,
                e.iter().map(|x| &x.message).collect::<Vec<_>>()
            )
        });
    let t = archlint_linter::estimate::traffic(&a.model).expect("traffic");
    assert!((t.peak_rps - PEAK).abs() < 1e-6);
    let f = flow(&a.model, &a.graph, t.peak_rps, t.read_share);
    (a, f)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_clients_loads_add_up_to_the_peak(d in design(false)) {
        let (a, f) = flow_of(&d);
        let clients: f64 = a.model.components.iter().enumerate()
            .filter(|(_, c)| c.kind() == archlint_core::model::Kind::Client)
            .map(|(i, _)| f.load[i])
            .sum();
        prop_assert!(close(clients, PEAK), "{} != {}\n{}", clients, PEAK, d.yaml);
    }

    #[test]
    fn a_routers_calls_carry_what_it_receives(d in design(false)) {
        let (a, f) = flow_of(&d);
        for (u, c) in a.model.components.iter().enumerate() {
            if !c.is_router() || f.load[u] == 0.0 {
                continue;
            }
            let split: Vec<f64> = f.sources.iter().flatten()
                .filter(|s| s.from == c.id && matches!(s.why, Why::Share | Why::EvenSplit))
                .map(|s| s.rps)
                .collect();
            if split.is_empty() {
                continue; // only per_request calls
            }
            let out: f64 = split.iter().sum();
            prop_assert!(close(out, f.load[u]), "{}: out {} != in {}\n{}", c.id, out, f.load[u], d.yaml);
        }
    }

    #[test]
    fn on_single_paths_no_load_exceeds_the_peak(d in design(true)) {
        let (a, f) = flow_of(&d);
        for (i, c) in a.model.components.iter().enumerate() {
            prop_assert!(f.load[i] <= PEAK * (1.0 + 1e-9), "{} gets {}\n{}", c.id, f.load[i], d.yaml);
        }
    }
}
