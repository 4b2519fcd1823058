//! `unknown-service`: A service in the recorded traffic maps to no component.

use super::prelude::*;

declare_rule! {
    id: "unknown-service",
    category: Drift,
    severity: Info,
    section: 3,
    summary: "A service in the recorded traffic maps to no component.",
    references: [
        "OpenTelemetry Collector contrib, *Service graph connector* <https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/servicegraphconnector>",
        "Jaeger documentation, *Service dependencies* (the `/api/dependencies` endpoint) <https://www.jaegertracing.io/docs/latest/apis/>",
    ],
    check: drift_only,
}
