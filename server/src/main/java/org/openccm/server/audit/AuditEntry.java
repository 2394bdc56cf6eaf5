// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;

/**
 * One link of an account's audit chain. {@link #computeHash()} covers every field and the previous link's hash,
 * so editing, reordering or removing an entry breaks the chain at that entry.
 */
public record AuditEntry(
        UUID id,
        UUID accountId,
        long seq,
        Instant at,
        UUID actorUserId,
        String actorEmail,
        UUID actorApiKeyId,
        String action,
        String objectType,
        UUID objectId,
        String details,
        String prevHash,
        String hash) {

    public static final String GENESIS = "0".repeat(64);

    /** PostgreSQL keeps microseconds; hashing the same precision keeps stored entries verifiable. */
    public static Instant truncate(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    public String computeHash() {
        return sha256Hex(canonicalText());
    }

    /** The exact text the entry's hash covers: a receipt carries it, so that a verifier needs nothing of OpenCCM's. */
    public String canonicalText() {
        return String.join(
                "\n",
                "openccm-audit-v1",
                Long.toString(seq),
                accountId.toString(),
                Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, at)),
                orDash(actorUserId),
                orDash(actorEmail),
                orDash(actorApiKeyId),
                action,
                objectType,
                orDash(objectId),
                details,
                prevHash);
    }

    public static String sha256Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }
}
