//! Deterministic synthetic architecture files for benchmarks and scale tests.
//!
//! A system is a client and a load balancer in front of "cells": a gateway, two
//! services, a database, a cache, a queue, a worker and an object store, wired as a
//! careful engineer would (replicas, timeouts, rate limit at the edge, idempotent
//! consumers). About one cell in ten gets exactly one planted defect, chosen by a
//! seeded PRNG; `Synth::expected` counts the findings each rule must report.

use std::collections::BTreeMap;
use std::fmt::Write;

/// The defects the generator plants, one per affected cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defect {
    SharedDatabase,
    LongChain,
    Cycle,
    MissingTimeout,
    ConstantBackoff,
    RetryAmplification,
    NonIdempotentConsumer,
    CacheWithoutTtl,
}

impl Defect {
    const ALL: [Defect; 8] = [
        Defect::SharedDatabase,
        Defect::LongChain,
        Defect::Cycle,
        Defect::MissingTimeout,
        Defect::ConstantBackoff,
        Defect::RetryAmplification,
        Defect::NonIdempotentConsumer,
        Defect::CacheWithoutTtl,
    ];
    /// The rule that must report it (once per planted cell).
    pub fn rule(self) -> &'static str {
        match self {
            Defect::SharedDatabase => "shared-database",
            Defect::LongChain => "sync-chain-too-long",
            Defect::Cycle => "sync-call-cycle",
            Defect::MissingTimeout => "sync-call-without-timeout",
            Defect::ConstantBackoff => "retry-without-backoff",
            Defect::RetryAmplification => "retry-amplification",
            Defect::NonIdempotentConsumer => "non-idempotent-consumer",
            Defect::CacheWithoutTtl => "cache-without-invalidation",
        }
    }
}

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub struct Synth {
    pub yaml: String,
    pub components: usize,
    pub planted: Vec<Defect>,
}

impl Synth {
    /// Findings per rule the file must produce with the default rule selection.
    pub fn expected(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for d in &self.planted {
            *m.entry(d.rule()).or_insert(0) += 1;
        }
        m
    }
}

/// The fields a careful team writes on every component: what it does and who owns it.
fn about(i: usize, what: &str) -> String {
    format!(
        "    description: Cell {i} {what}; part of tenant shard {} in the synthetic estate.\n    owner: team-{}\n",
        i % 64,
        i % 97
    )
}

/// Why a store was chosen and what was rejected, as `undocumented-choice` asks.
fn choice(why: &str, alt: &str, because: &str) -> String {
    format!("    rationale: {why}\n    alternatives:\n      {alt}: {because}\n")
}

/// A system of at least `components` components, the same for the same seed.
pub fn generate(components: usize, seed: u64) -> Synth {
    let mut rng = Rng(seed.max(1));
    let mut y = String::with_capacity(components * 400);
    y.push_str(
        "# Synthetic system generated for benchmarks.\nname: synthetic\nstage: growth\nrequirements:\n  functional: [serve orders for many shops]\n  scale: { daily_active_users: 1M, requests_per_user_per_day: 10, peak_to_average: 3, data_volume: 5TB }\n  consistency: eventual\n  latency: { p50: 100ms, p99: 2s }\n  availability: 99.9%\n  geography: single-region\n  read_write_ratio: 10:1\n  retention: 1y\n  operations: { team_size: 50, existing: [postgresql], budget: high }\ncomponents:\n  users:\n    kind: client\n    calls:\n      - to: edge\n        protocol: https\n",
    );
    let cells = (components.saturating_sub(2)).div_ceil(8).max(1);
    let mut lb = String::from(
        "  edge:\n    kind: load-balancer\n    tech: alb\n    layer: 7\n    replicas: 2\n    rate_limit: true\n    rationale: Managed L7 routing by path to each cell's gateway.\n    alternatives:\n      nginx: one more fleet to run and patch\n    calls:\n",
    );
    let mut body = String::with_capacity(components * 400);
    let mut planted = Vec::new();
    let mut count = 2;
    for i in 0..cells {
        let defect = (rng.below(10) == 0).then(|| Defect::ALL[rng.below(8) as usize]);
        if let Some(d) = defect {
            planted.push(d);
        }
        let fan = 1 + rng.below(3);
        let is = |d: Defect| defect == Some(d);
        let _ = writeln!(lb, "      - to: gw-{i}\n        per_request: 0.01");
        let g_retry = if is(Defect::RetryAmplification) {
            "\n        retry: { attempts: 3, backoff: exponential, jitter: true }"
        } else {
            ""
        };
        let _ = write!(
            body,
            "  gw-{i}:\n    kind: gateway\n{}    replicas: 2\n    capacity: 5k\n    calls:\n      - to: svc-{i}-a\n        protocol: http\n        timeout: 2s{g_retry}\n",
            about(
                i,
                "API gateway - authenticates callers and routes them to the order service"
            )
        );
        let db_retry = if is(Defect::ConstantBackoff) {
            "\n        retry: { attempts: 3, backoff: constant }"
        } else if is(Defect::RetryAmplification) {
            "\n        retry: { attempts: 2, backoff: exponential, jitter: true }"
        } else {
            ""
        };
        let cache_timeout = if is(Defect::MissingTimeout) {
            ""
        } else {
            "\n        timeout: 20ms"
        };
        let _ = write!(
            body,
            "  svc-{i}-a:\n    kind: service\n    tech: rust\n{}    replicas: 2\n    capacity: 2000\n    latency: 15ms\n    calls:\n      - to: svc-{i}-b\n        protocol: grpc\n        timeout: 1s\n        per_request: {fan}\n      - to: db-{i}\n        timeout: 200ms{db_retry}\n      - to: cache-{i}\n        access: read{cache_timeout}\n      - to: jobs-{i}\n        access: write\n",
            about(
                i,
                "order service - validates orders, prices them and records them in the database"
            )
        );
        let b_next = if is(Defect::LongChain) {
            format!("      - to: extra-{i}\n        timeout: 500ms\n")
        } else {
            format!("      - to: db-{i}\n        access: read\n        timeout: 200ms\n")
        };
        let b_cycle = if is(Defect::Cycle) {
            format!("      - to: svc-{i}-a\n        timeout: 500ms\n")
        } else {
            String::new()
        };
        let _ = write!(
            body,
            "  svc-{i}-b:\n    kind: service\n    tech: go\n{}    replicas: 2\n    capacity: 2000\n    calls:\n{b_next}{b_cycle}",
            about(
                i,
                "pricing service - computes discounts and taxes from the catalogue"
            )
        );
        if is(Defect::LongChain) {
            let _ = write!(
                body,
                "  extra-{i}:\n    kind: service\n{}    replicas: 2\n    calls:\n      - to: db-{i}\n        access: read\n        timeout: 200ms\n",
                about(
                    i,
                    "tax service - one more synchronous hop in the pricing path"
                )
            );
            count += 1;
        }
        let _ = write!(
            body,
            "  db-{i}:\n    kind: database\n    tech: postgresql\n{}    replicas: 2\n    data_volume: 50GB\n    access_patterns: [transactions, point-lookup]\n{}",
            about(
                i,
                "orders database - the system of record for orders and payments"
            ),
            choice(
                "Orders are relational and need multi-row transactions.",
                "mongodb",
                "no multi-document transactions the team trusts"
            )
        );
        let ttl = if is(Defect::CacheWithoutTtl) {
            ""
        } else {
            "\n    ttl: 5m"
        };
        let _ = write!(
            body,
            "  cache-{i}:\n    kind: cache\n    tech: redis\n{}    replicas: 2\n    scope: shared{ttl}\n{}",
            about(i, "price cache - recent prices, read on every order"),
            choice(
                "Prices are read far more often than they change.",
                "memcached",
                "no replication, so a node loss empties the cache"
            )
        );
        let _ = write!(
            body,
            "  jobs-{i}:\n    kind: queue\n    tech: sqs\n{}    delivery: at-least-once\n    dead_letter: true\n{}",
            about(
                i,
                "fulfilment queue - orders waiting to be packed and shipped"
            ),
            choice(
                "A managed task queue with per-message acknowledgement.",
                "kafka",
                "partition ordering is not needed and costs more to run"
            )
        );
        let idem = if is(Defect::NonIdempotentConsumer) {
            ""
        } else {
            "\n        idempotent: true"
        };
        let shared = if is(Defect::SharedDatabase) {
            format!("      - to: db-{i}\n        access: write\n        timeout: 200ms\n")
        } else {
            String::new()
        };
        let _ = write!(
            body,
            "  worker-{i}:\n    kind: worker\n{}    replicas: 2\n    consumes:\n      - from: jobs-{i}{idem}\n    calls:\n      - to: blobs-{i}\n        access: write\n        timeout: 2s\n{shared}",
            about(
                i,
                "fulfilment worker - writes packing slips and shipping labels"
            )
        );
        let _ = write!(
            body,
            "  blobs-{i}:\n    kind: object-store\n    tech: s3\n{}    replicas: 3\n",
            about(
                i,
                "document store - packing slips and shipping labels as PDF"
            )
        );
        count += 8;
    }
    y.push_str(&lb);
    y.push_str(&body);
    Synth {
        yaml: y,
        components: count,
        planted,
    }
}
