// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import org.openccm.server.error.AttestationRefused;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Single-use nonces that make an attestation fresh: evidence must bind SHA-256(CSR key ‖ nonce), so evidence made
 * before the challenge (archived, or captured from another workload) cannot obtain a certificate. A nonce belongs to
 * the account that asked for it, lives {@code openccm.attestation.challenge-lifetime}, and is consumed by the first
 * attestation that presents it, whatever its outcome, so that it cannot be used to probe twice.
 */
@Component
public class Challenges {
    /** Nonce length: 32 random bytes. */
    public static final int NONCE_BYTES = 32;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();

    Challenges(JdbcClient jdbc, Clock clock, @Value("${openccm.attestation.challenge-lifetime:PT5M}") Duration lifetime) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public record Challenge(byte[] nonce, Instant expiresAt) {}

    public Challenge issue(UUID account) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        // Old challenges are kept a day past expiry, so that a late replay is still told apart from a made-up nonce.
        jdbc.sql("DELETE FROM attestation_challenges WHERE expires_at < ?").param(Timestamp.from(now.minus(Duration.ofDays(1)))).update();
        jdbc.sql("INSERT INTO attestation_challenges (nonce_sha256, account_id, created_at, expires_at) VALUES (?,?,?,?)")
                .params(digest(nonce), account, Timestamp.from(now), Timestamp.from(expires))
                .update();
        return new Challenge(nonce, expires);
    }

    /** Marks the nonce used, or refuses it as unknown (never issued to this account), expired, or already used. */
    /**
     * Whether {@link #consume} would take this nonce now, without taking it: lets an attestation skip verifying
     * evidence that will be refused for its nonce anyway (a replay costs one read, not a verification).
     */
    public boolean usable(UUID account, byte[] nonce) {
        Instant now = clock.instant();
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM attestation_challenges WHERE nonce_sha256 = ? AND account_id = ?"
                        + " AND used_at IS NULL AND expires_at > ?)")
                .params(digest(nonce), account, Timestamp.from(now))
                .query(Boolean.class)
                .single();
    }

    public void consume(UUID account, byte[] nonce) {
        Instant now = clock.instant();
        String digest = digest(nonce);
        int used = jdbc.sql("UPDATE attestation_challenges SET used_at = ? WHERE nonce_sha256 = ? AND account_id = ?"
                        + " AND used_at IS NULL AND expires_at > ?")
                .params(Timestamp.from(now), digest, account, Timestamp.from(now))
                .update();
        if (used == 1) {
            return;
        }
        var state = jdbc.sql("SELECT used_at, expires_at FROM attestation_challenges WHERE nonce_sha256 = ? AND account_id = ?")
                .params(digest, account)
                .query((rs, row) -> new Timestamp[] {rs.getTimestamp("used_at"), rs.getTimestamp("expires_at")})
                .optional();
        if (state.isEmpty()) {
            throw new AttestationRefused("NONCE_UNKNOWN", "nonce", "this nonce was not issued to this account by POST /v1/attestation/challenge");
        }
        if (state.get()[0] != null) {
            throw new AttestationRefused("NONCE_REPLAYED", "nonce", "this nonce was already used at " + state.get()[0].toInstant()
                    + "; each attestation needs a new challenge");
        }
        throw new AttestationRefused("NONCE_EXPIRED", "nonce", "this nonce expired at " + state.get()[1].toInstant()
                + "; get a new challenge and attest within " + lifetime.toSeconds() + " s");
    }

    private static String digest(byte[] nonce) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(nonce));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
