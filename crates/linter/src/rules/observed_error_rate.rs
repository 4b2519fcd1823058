//! `observed-error-rate`: Recorded failures exceed what a component's availability allows.

use super::prelude::*;

declare_rule! {
    id: "observed-error-rate",
    category: Drift,
    severity: Warning,
    section: 7,
    summary: "Recorded failures exceed what a component's availability allows.",
    references: [
        "OpenTelemetry Collector contrib, *Service graph connector* <https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/servicegraphconnector>",
        "Jaeger documentation, *Service dependencies* (the `/api/dependencies` endpoint) <https://www.jaegertracing.io/docs/latest/apis/>",
    ],
    check: drift_only,
}
