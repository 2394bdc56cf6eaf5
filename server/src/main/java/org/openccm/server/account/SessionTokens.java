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
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Bearer tokens: HS256 JWTs naming a user and a server-side session. The signing key is 256 random bits kept in
 * the data directory (created on first start, readable by the owner only), so tokens survive a restart.
 */
@Component
public class SessionTokens {
    static final String ISSUER = "openccm";
    private final byte[] key;

    SessionTokens(@Value("${openccm.data-dir}") Path dataDir) {
        this.key = loadOrCreateKey(dataDir.resolve("jwt-hmac.key"));
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
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a session token", e);
        }
        return jwt.serialize();
    }

    /** Empty unless the token is ours, unaltered, HS256 and not expired at {@code now}. */
    public Optional<Claims> verify(String token, Instant now) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))) {
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

    private static byte[] loadOrCreateKey(Path file) {
        try {
            if (Files.exists(file)) {
                byte[] existing = Files.readAllBytes(file);
                if (existing.length < 32) {
                    throw new IllegalStateException(file + " must hold at least 32 bytes");
                }
                return existing;
            }
            Files.createDirectories(file.getParent());
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            Files.write(file, fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the file inherits the data directory's ACL.
            }
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token key " + file, e);
        }
    }
}
