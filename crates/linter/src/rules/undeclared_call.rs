//! `undeclared-call`: The running system makes a call the design does not declare.

use super::prelude::*;

declare_rule! {
    id: "undeclared-call",
    category: Drift,
    severity: Warning,
    section: 3,
    summary: "The running system makes a call the design does not declare.",
    references: [
        "OpenTelemetry Collector contrib, *Service graph connector* <https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/servicegraphconnector>",
        "Jaeger documentation, *Service dependencies* (the `/api/dependencies` endpoint) <https://www.jaegertracing.io/docs/latest/apis/>",
    ],
    check: drift_only,
}
