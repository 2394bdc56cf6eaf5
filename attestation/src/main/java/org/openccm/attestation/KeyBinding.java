// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The key a workload must have bound into its evidence before a certificate can be issued for it. The bound value
 * is {@link #digest()}: the SHA-256 of the key's DER SubjectPublicKeyInfo, followed by the server's nonce when one
 * was issued. Nitro documents may instead carry the SubjectPublicKeyInfo itself in {@code public_key}.
 *
 * @param source what the key came from, in the caller's terms (e.g. {@code csr}): the field a refusal names
 * @param publicKey DER SubjectPublicKeyInfo
 * @param nonce the server's challenge, or null when the attestation is not challenged
 */
public record KeyBinding(String source, byte[] publicKey, byte[] nonce) {
    public KeyBinding {
        publicKey = publicKey.clone();
        nonce = nonce == null ? null : nonce.clone();
    }

    public static KeyBinding of(String source, byte[] publicKey) {
        return new KeyBinding(source, publicKey, null);
    }

    /** SHA-256(SubjectPublicKeyInfo ‖ nonce): 32 bytes. */
    public byte[] digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(publicKey);
            if (nonce != null) {
                sha.update(nonce);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether these 32 or more bytes start with {@link #digest()} (REPORT_DATA, a TPM nonce, Nitro's user_data). */
    public boolean boundBy(byte[] reportData) {
        return reportData != null && reportData.length >= 32 && MessageDigest.isEqual(Arrays.copyOf(reportData, 32), digest());
    }

    /** What the evidence must carry, in words: the digest of the key, with the challenge's nonce when there is one. */
    public String expected() {
        return nonce == null
                ? "the SHA-256 of its DER SubjectPublicKeyInfo"
                : "SHA-256(its DER SubjectPublicKeyInfo ‖ the challenge's nonce)";
    }

    /** The refusal for evidence whose {@code field} (REPORT_DATA, ...) does not start with {@link #digest()}. */
    public EvidenceRejected notBoundIn(String field) {
        return notBound(field + " must start with " + expected());
    }

    /** The refusal for evidence that does not carry the binding, naming the rule of the platform. */
    public EvidenceRejected notBound(String rule) {
        return new EvidenceRejected(EvidenceRejected.Reason.BINDING, source,
                "the " + source.toUpperCase(java.util.Locale.ROOT) + "'s public key is not bound into the evidence (" + rule + ")");
    }
}
