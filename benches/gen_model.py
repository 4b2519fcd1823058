#!/usr/bin/env python3
"""Writes a synthetic architecture file (archlint's format), for scale tests.

usage: gen_model.py N_SERVICES [SEED] > big.yaml
Layers of services call the next layer synchronously (some chains exceed 3 hops),
every service owns a database, some share one, caches and queues are sprinkled in.
"""
import random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
out = sys.stdout.write
out("name: synthetic-%d\nstage: growth\n" % n)
out("requirements:\n  scale:\n    daily_active_users: 10M\n    requests_per_user_per_day: 50\n"
    "  consistency: eventual\n  latency: { p50: 50ms, p99: 400ms }\n  availability: 99.95%\n"
    "  geography: multi-region\n  read_write_ratio: 20:1\n  retention: 3y\n"
    "  operations: { team_size: 400 }\n")
out("components:\n  users:\n    kind: client\n    calls:\n      - to: edge-lb\n        protocol: https\n")
out("  edge-lb:\n    kind: load-balancer\n    layer: 7\n    replicas: 2\n    calls: [gateway]\n")
out("  gateway:\n    kind: gateway\n    replicas: 4\n    rate_limit: { requests_per_second: 1000, per: client }\n    calls:\n")
layers = 6
per_layer = max(1, n // layers)
names = [["svc-%d-%d" % (l, i) for i in range(per_layer)] for l in range(layers)]
for s in names[0]:
    out("      - to: %s\n        protocol: grpc\n        timeout: 100ms\n" % s)
for l in range(layers):
    for i, s in enumerate(names[l]):
        out("  %s:\n    kind: service\n    replicas: %d\n    latency: %dms\n" % (s, rng.choice([1, 2, 3]), rng.randint(2, 40)))
        out("    description: synthetic service %d in layer %d\n    calls:\n" % (i, l))
        db = "db-%d-%d" % (l, i if rng.random() > 0.05 else 0)
        out("      - to: %s\n        access: read-write\n        timeout: 50ms\n        retry: { attempts: 3, backoff: exponential, jitter: true }\n" % db)
        if l + 1 < layers:
            for t in rng.sample(names[l + 1], min(3, len(names[l + 1]))):
                out("      - to: %s\n        protocol: grpc\n        timeout: 200ms\n" % t)
        if rng.random() < 0.2:
            out("      - to: cache-%d\n        timeout: 10ms\n" % (i % 50))
        if rng.random() < 0.1:
            out("      - to: events-%d\n" % (i % 20))
for l in range(layers):
    for i in range(per_layer):
        out("  db-%d-%d:\n    kind: database\n    tech: %s\n    replicas: 2\n    replication: async\n    data_volume: %dGB\n"
            % (l, i, rng.choice(["postgresql", "mongodb", "cassandra"]), rng.randint(1, 900)))
for i in range(50):
    out("  cache-%d:\n    kind: cache\n    tech: redis\n    pattern: cache-aside\n    ttl: %dm\n    scope: shared\n" % (i, rng.randint(1, 60)))
for i in range(20):
    out("  events-%d:\n    kind: queue\n    tech: kafka\n    delivery: at-least-once\n    replay: true\n" % i)
    out("  consumer-%d:\n    kind: worker\n    replicas: 2\n    consumes:\n      - from: events-%d\n        idempotent: true\n" % (i, i))
