// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

/**
 * Evidence that passed its platform's verifier: genuine, current at the context's clock, and, when the context
 * expected a key, bound to it ({@code bound}). Only verifiers create it, so nothing downstream can be handed
 * unverified bytes.
 */
public record VerifiedEvidence(Measurement measurement, boolean bound) {
    public Platform platform() {
        return measurement.platform();
    }
}
