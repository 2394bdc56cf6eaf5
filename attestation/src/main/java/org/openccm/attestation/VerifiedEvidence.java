// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.util.List;

/**
 * Evidence that passed its platform's verifier: genuine, current at the context's clock, and, when the context
 * expected a key, bound to it ({@code bound}). Only verifiers create it, so nothing downstream can be handed
 * unverified bytes. {@code warnings} say what was accepted only by a grace (collateral past its nextUpdate).
 */
public record VerifiedEvidence(Measurement measurement, boolean bound, List<String> warnings) {
    public VerifiedEvidence {
        warnings = List.copyOf(warnings);
    }

    public VerifiedEvidence(Measurement measurement, boolean bound) {
        this(measurement, bound, List.of());
    }

    public Platform platform() {
        return measurement.platform();
    }
}
