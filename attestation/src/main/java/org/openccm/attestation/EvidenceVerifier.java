// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

/**
 * Checks that evidence is genuine: signatures, the chain to the vendor's pinned root at {@code context.now()},
 * and the bindings between nested structures. One implementation per platform; each throws
 * {@link EvidenceRejected} naming the failed check and field.
 *
 * @param <T> the platform's verified result
 */
public interface EvidenceVerifier<T> {
    Platform platform();

    T verify(Evidence evidence, VerificationContext context) throws EvidenceRejected;
}
