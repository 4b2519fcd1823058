//! `unobserved-call`: A declared synchronous call never appears in the recorded traffic.

use super::prelude::*;

declare_rule! {
    id: "unobserved-call",
    category: Drift,
    severity: Info,
    section: 3,
    summary: "A declared synchronous call never appears in the recorded traffic.",
    references: [
        "OpenTelemetry Collector contrib, *Service graph connector* <https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/servicegraphconnector>",
        "Jaeger documentation, *Service dependencies* (the `/api/dependencies` endpoint) <https://www.jaegertracing.io/docs/latest/apis/>",
    ],
    check: drift_only,
}
