//! `observed-latency-over-budget`: The recorded p99 is over a component's latency or a journey's budget.

use super::prelude::*;

declare_rule! {
    id: "observed-latency-over-budget",
    category: Drift,
    severity: Warning,
    section: 7,
    summary: "The recorded p99 is over a component's latency or a journey's budget.",
    references: [
        "OpenTelemetry Collector contrib, *Service graph connector* <https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/servicegraphconnector>",
        "Jaeger documentation, *Service dependencies* (the `/api/dependencies` endpoint) <https://www.jaegertracing.io/docs/latest/apis/>",
    ],
    check: drift_only,
}
