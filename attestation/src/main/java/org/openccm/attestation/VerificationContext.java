// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.time.Duration;
import java.time.Instant;

/**
 * The inputs of one verification that are not the evidence: the instant at which certificates and collateral must
 * be valid (the sample's recorded clock for archived evidence, the server clock otherwise), whether debug-mode
 * workloads may pass (never in production; tests of debug samples turn it on), the key the evidence must bind (null
 * when nothing is to be issued, as for explain, and then the result says it was not checked), and where missing
 * collateral comes from.
 *
 * <p>The trusted roots are not part of the context on purpose: each verifier is constructed with its pinned vendor
 * roots, so no request can bring its own trust anchor.
 */
public record VerificationContext(
        Instant now, boolean allowDebug, KeyBinding binding, CollateralSource collateral, Duration collateralGrace) {
    public VerificationContext {
        collateral = collateral == null ? CollateralSource.NONE : collateral;
        collateralGrace = collateralGrace == null ? Duration.ZERO : collateralGrace;
    }

    public VerificationContext(Instant now, boolean allowDebug, KeyBinding binding, CollateralSource collateral) {
        this(now, allowDebug, binding, collateral, Duration.ZERO);
    }

    public static VerificationContext at(Instant now) {
        return new VerificationContext(now, false, null, CollateralSource.NONE);
    }

    public VerificationContext allowingDebug() {
        return new VerificationContext(now, true, binding, collateral, collateralGrace);
    }

    public VerificationContext binding(KeyBinding expected) {
        return new VerificationContext(now, allowDebug, expected, collateral, collateralGrace);
    }

    public VerificationContext collateral(CollateralSource source) {
        return new VerificationContext(now, allowDebug, binding, source, collateralGrace);
    }

    /**
     * How long past its nextUpdate collateral from the {@link CollateralSource} may still be used (the source keeps
     * what it fetched before when the vendor cannot be reached); such use is reported in
     * {@link VerifiedEvidence#warnings()}. Collateral the workload brings gets no grace.
     */
    public VerificationContext collateralGrace(Duration grace) {
        return new VerificationContext(now, allowDebug, binding, collateral, grace);
    }

    /**
     * Checks the binding when one is expected: {@code boundField} holds the platform's bound bytes (REPORT_DATA, the
     * TPM quote's nonce), {@code field} names them in the refusal.
     *
     * @return whether a binding was checked (false: none was expected)
     */
    public boolean checkBinding(byte[] boundField, String field) throws EvidenceRejected {
        if (binding == null) {
            return false;
        }
        if (!binding.boundBy(boundField)) {
            throw binding.notBoundIn(field);
        }
        return true;
    }
}
