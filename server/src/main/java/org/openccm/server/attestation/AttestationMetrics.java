// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.openccm.attestation.Platform;
import org.springframework.stereotype.Component;

/**
 * Attestations and explanations counted and timed by platform and outcome ({@code openccm_attestation_seconds} in
 * Prometheus): ACCEPTED, a refusal's reason (SIGNATURE, NOT_APPROVED, NONCE_REPLAYED, ...) or INVALID input. The
 * outcomes are a closed set, so the series stay few.
 */
@Component
public class AttestationMetrics {
    private final MeterRegistry registry;

    AttestationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String operation, Platform platform, String outcome, long nanos) {
        Timer.builder("openccm.attestation")
                .description("attestation requests by operation, platform and outcome")
                .tag("operation", operation)
                .tag("platform", platform == null ? "UNKNOWN" : platform.name())
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }
}
