// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import org.openccm.server.keys.ServerKeys;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Bearer tokens: HS256 JWTs naming a user and a server-side session. The signing key is 256 random bits kept in the
 * database, sealed under the master key, so that tokens survive a restart and every instance of a deployment accepts
 * what another issued. A key file left in the data directory by an earlier version is taken over once, so that
 * tokens issued before an upgrade stay valid.
 */
@Component
public class SessionTokens {
    static final String ISSUER = "openccm";
    private final ServerKeys keys;
    private final Path legacyKeyFile;
    private volatile byte[] key;

    SessionTokens(ServerKeys keys, @Value("${openccm.data-dir}") Path dataDir) {
        this.keys = keys;
        this.legacyKeyFile = dataDir.resolve("jwt-hmac.key");
    }

    // Read when first needed: the database is migrated by then.
    private byte[] key() {
        byte[] k = key;
        if (k == null) {
            synchronized (this) {
                if (key == null) {
                    key = keys.secret("session-token-hmac", this::legacyOrFresh);
                }
                k = key;
            }
        }
        return k;
    }

    public record Claims(UUID userId, UUID sessionId, Instant expiresAt) {}

    public String issue(UUID userId, UUID sessionId, Instant issuedAt, Instant expiresAt) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(userId.toString())
                .jwtID(sessionId.toString())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a session token", e);
        }
        return jwt.serialize();
    }

    /** Empty unless the token is ours, unaltered, HS256 and not expired at {@code now}. */
    public Optional<Claims> verify(String token, Instant now) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key()))) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            if (!ISSUER.equals(claims.getIssuer()) || exp == null || !exp.toInstant().isAfter(now)) {
                return Optional.empty();
            }
            return Optional.of(new Claims(
                    UUID.fromString(claims.getSubject()), UUID.fromString(claims.getJWTID()), exp.toInstant()));
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private byte[] legacyOrFresh() {
        try {
            if (Files.exists(legacyKeyFile)) {
                byte[] existing = Files.readAllBytes(legacyKeyFile);
                if (existing.length >= 32) {
                    return existing;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the earlier token key " + legacyKeyFile, e);
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        return fresh;
    }
}
