// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Signatures already verified, so that the vendor certificates and collateral every piece of evidence repeats (the
 * same ASK, PCK CA, TCB info...) cost one verification per process instead of one per attestation.
 *
 * <p>Only statements that hold forever once true are remembered: "the certificate with this DER was signed by the
 * key of the certificate with that DER", "these exact bytes carry a valid signature by this certificate". They
 * depend on neither the clock nor the evidence, so the validity windows, revocation and everything about the
 * evidence are still checked at every verification. A failed check is never remembered. The entries are SHA-256
 * digests of the inputs; the least recently used go first beyond {@value #CAPACITY}.
 */
public final class VerificationCache {
    private static final int CAPACITY = 4096;

    private static final List<Map<?, ?>> ALL = new CopyOnWriteArrayList<>();
    private static final Set<ByteBuffer> VERIFIED = Collections.newSetFromMap(bounded(CAPACITY));

    private VerificationCache() {}

    /** Forgets everything, here and in the maps from {@link #bounded}: for benchmarks and tests that start from scratch. */
    public static void clear() {
        ALL.forEach(Map::clear);
    }

    /**
     * A thread-safe map that forgets its least recently used entries beyond {@code capacity}, and everything on
     * {@link #clear()}: for what verifiers keep between verifications besides verified signatures.
     */
    public static <K, V> Map<K, V> bounded(int capacity) {
        Map<K, V> map = Collections.synchronizedMap(new LinkedHashMap<K, V>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        });
        ALL.add(map);
        return map;
    }

    static boolean verified(ByteBuffer statement) {
        return VERIFIED.contains(statement);
    }

    static void remember(ByteBuffer statement) {
        VERIFIED.add(statement);
    }

    /** "The certificate {@code subject} was signed by {@code issuer}'s key", from the SHA-256 of each DER. */
    static ByteBuffer link(byte[] issuerDigest, byte[] subjectDigest) {
        ByteBuffer b = ByteBuffer.allocate(1 + issuerDigest.length + subjectDigest.length);
        b.put((byte) 'L').put(issuerDigest).put(subjectDigest);
        return b.flip();
    }

    /** "{@code signed} carries the valid {@code signature} of {@code signer}", of any kind of signed document. */
    public static ByteBuffer signature(byte[] signerDer, byte[] signed, byte[] signature) {
        MessageDigest sha = sha256();
        for (byte[] part : new byte[][] {signerDer, signed, signature}) {
            sha.update(ByteBuffer.allocate(4).putInt(part.length).array());
            sha.update(part);
        }
        ByteBuffer b = ByteBuffer.allocate(33);
        b.put((byte) 'S').put(sha.digest());
        return b.flip();
    }

    /** Runs {@code check} unless {@code statement} was verified before, and remembers it when the check passes. */
    public static <E extends Exception> void once(ByteBuffer statement, Check<E> check) throws E {
        if (verified(statement)) {
            return;
        }
        check.run();
        remember(statement);
    }

    /** A verification that throws when it fails. */
    @FunctionalInterface
    public interface Check<E extends Exception> {
        void run() throws E;
    }

    static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
