// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

/**
 * The one contract of a platform: checks that evidence is genuine (signatures, the chain to the vendor's pinned
 * root at {@code context.now()}, the bindings between nested structures, collateral from
 * {@code context.collateral()}), that it binds {@code context.binding()} when one is expected, and says what was
 * measured. "Verified" therefore always means "verified and bound". Each failure is an {@link EvidenceRejected}
 * naming the check and the field.
 *
 * <p>Adding a platform: a package with its parser and an implementation of this interface, a record in
 * {@link Measurement} and {@link ReferenceValues}, a {@link Platform} constant; the exhaustive switches over those
 * sealed types then say, as compile errors, what else must learn about it.
 */
public interface EvidenceVerifier {
    Platform platform();

    VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceRejected;
}
