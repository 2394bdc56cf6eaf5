// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.time.Instant;

/**
 * The inputs of one verification that are not the evidence: the instant at which certificates must be valid (the
 * sample's recorded clock for archived evidence, the server clock otherwise) and whether debug-mode workloads may
 * pass (never in production; tests of debug samples turn it on).
 */
public record VerificationContext(Instant now, boolean allowDebug) {
    public static VerificationContext at(Instant now) {
        return new VerificationContext(now, false);
    }

    public VerificationContext allowingDebug() {
        return new VerificationContext(now, true);
    }
}
