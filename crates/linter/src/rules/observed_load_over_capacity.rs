//! `observed-load-over-capacity`: The recorded request rate is above a component's capacity.

use super::prelude::*;

declare_rule! {
    id: "observed-load-over-capacity",
    category: Drift,
    severity: Error,
    section: 2,
    summary: "The recorded request rate is above a component's capacity.",
    references: [
        "OpenTelemetry Collector contrib, *Service graph connector* <https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/servicegraphconnector>",
        "Jaeger documentation, *Service dependencies* (the `/api/dependencies` endpoint) <https://www.jaegertracing.io/docs/latest/apis/>",
    ],
    check: drift_only,
}
