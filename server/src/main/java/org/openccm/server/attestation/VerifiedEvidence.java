// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import org.openccm.attestation.Platform;

/**
 * Evidence that passed its platform verifier. Only {@link EvidenceVerification} creates it, so nothing downstream
 * (matching, issuing) can be handed unverified bytes.
 */
public final class VerifiedEvidence {
    private final Platform platform;
    private final SortedMap<String, String> measured;
    private final byte[] publicKey;
    private final byte[] keyDigest;

    VerifiedEvidence(Platform platform, SortedMap<String, String> measured, byte[] publicKey, byte[] keyDigest) {
        this.platform = platform;
        this.measured = measured;
        this.publicKey = publicKey;
        this.keyDigest = keyDigest;
    }

    public Platform platform() {
        return platform;
    }

    /** What the hardware measured, named as in the image API (pcr0.., measurement, vmpl, host_data, ...). */
    public Map<String, String> measured() {
        return measured;
    }

    /**
     * Whether the workload bound this public key (DER SubjectPublicKeyInfo) into the evidence: Nitro's
     * {@code public_key} equal to it, or a 32-byte SHA-256 of it in Nitro's {@code user_data} or at the start of
     * SEV-SNP's {@code REPORT_DATA}.
     */
    public boolean binds(byte[] spki) {
        if (publicKey != null && MessageDigest.isEqual(publicKey, spki)) {
            return true;
        }
        return keyDigest != null && MessageDigest.isEqual(keyDigest, sha256(spki));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] first32(byte[] bytes) {
        return bytes == null || bytes.length < 32 ? null : Arrays.copyOf(bytes, 32);
    }
}
