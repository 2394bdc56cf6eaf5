// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.zone;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.server.account.AccountCreated;
import org.openccm.server.account.Credentials;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.Conflict;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.openccm.server.error.NotFound;
import org.openccm.server.identity.BearerCredentials;
import org.openccm.server.identity.Caller;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Zones and their join tokens. A join token's secret is shown once, when it is made or rotated; OpenCCM keeps only
 * its SHA-256. A token authenticates a workload of its zone ({@link Caller#workload}) until it expires or is revoked.
 */
@Service
public class ZoneService implements BearerCredentials {
    public static final String JOIN_TOKEN_PREFIX = "ojt_";
    static final Duration DEFAULT_LIFETIME = Duration.ofDays(30);
    static final Duration MAX_LIFETIME = Duration.ofDays(365);
    static final Duration MIN_LIFETIME = Duration.ofMinutes(1);

    private final ZoneRepository zones;
    private final AuditLog audit;
    private final Clock clock;

    ZoneService(ZoneRepository zones, AuditLog audit, Clock clock) {
        this.zones = zones;
        this.audit = audit;
        this.clock = clock;
    }

    /** A join token as made: its record, and the secret that is never shown again. */
    public record Issued(JoinToken token, String secret) {}

    /** Every account gets its default zone in the transaction that creates it. */
    @EventListener
    void on(AccountCreated created) {
        zones.insert(new Zone(UUID.randomUUID(), created.accountId(), "default", "The account's default zone", true, clock.instant()));
    }

    public List<Zone> list(UUID accountId) {
        return zones.list(accountId);
    }

    /** The zone that workloads attesting with a user's credentials (not a join token) belong to. */
    public Zone defaultZone(UUID accountId) {
        return zones.list(accountId).stream().filter(Zone::isDefault).findFirst()
                .orElseThrow(() -> new IllegalStateException("account " + accountId + " has no default zone"));
    }

    public Zone get(UUID accountId, UUID zoneId) {
        return zones.find(accountId, zoneId).orElseThrow(() -> new NotFound("zone", zoneId));
    }

    public List<JoinToken> tokens(UUID accountId, UUID zoneId) {
        get(accountId, zoneId);
        return zones.tokens(accountId, zoneId);
    }

    /** @param lifetime null for {@link #DEFAULT_LIFETIME} */
    @Transactional
    public Issued createToken(Caller caller, UUID zoneId, String name, Duration lifetime) {
        UUID account = caller.account();
        Zone zone = get(account, zoneId);
        String tokenName = name == null ? "join token" : FieldRules.text("name", name, 200);
        Duration valid = lifetime(lifetime);
        Instant now = clock.instant();
        String secret = JOIN_TOKEN_PREFIX + Credentials.randomSecret();
        JoinToken token = new JoinToken(UUID.randomUUID(), zone.id(), account, tokenName, caller.userId(), now, now.plus(valid), null, null, null);
        zones.insertToken(token, Credentials.sha256(secret));
        audit.append(account, caller.actor(), "zone.token_created", "zone", zone.id(), details(token));
        return new Issued(token, secret);
    }

    /** A new secret for the same token (the old one stops working at once) and a new expiry. */
    @Transactional
    public Issued rotateToken(Caller caller, UUID zoneId, UUID tokenId, Duration lifetime) {
        UUID account = caller.account();
        JoinToken old = zones.token(account, zoneId, tokenId).orElseThrow(() -> new NotFound("join token", tokenId));
        if (old.revokedAt() != null) {
            throw new Conflict("token-id", "join token " + tokenId + " was revoked at " + old.revokedAt() + "; make a new one");
        }
        Instant now = clock.instant();
        String secret = JOIN_TOKEN_PREFIX + Credentials.randomSecret();
        Instant expires = now.plus(lifetime(lifetime));
        zones.rotate(tokenId, Credentials.sha256(secret), now, expires);
        JoinToken rotated = new JoinToken(old.id(), old.zoneId(), account, old.name(), old.createdBy(), old.createdAt(), expires, now, null, old.lastUsedAt());
        audit.append(account, caller.actor(), "zone.token_rotated", "zone", zoneId, details(rotated));
        return new Issued(rotated, secret);
    }

    @Transactional
    public JoinToken revokeToken(Caller caller, UUID zoneId, UUID tokenId) {
        UUID account = caller.account();
        JoinToken token = zones.token(account, zoneId, tokenId).orElseThrow(() -> new NotFound("join token", tokenId));
        if (token.revokedAt() != null) {
            throw new Conflict("token-id", "join token " + tokenId + " was already revoked at " + token.revokedAt());
        }
        Instant now = clock.instant();
        zones.revoke(tokenId, now);
        audit.append(account, caller.actor(), "zone.token_revoked", "zone", zoneId, details(token));
        return zones.token(account, zoneId, tokenId).orElseThrow();
    }

    @Override
    public Optional<Caller> authenticate(String bearer) {
        if (!bearer.startsWith(JOIN_TOKEN_PREFIX)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return zones.bySecret(Credentials.sha256(bearer)).filter(t -> t.usableAt(now)).map(t -> {
            zones.used(t.id(), now);
            return Caller.workload(t.accountId(), t.zoneId(), t.id());
        });
    }

    private static Duration lifetime(Duration requested) {
        Duration valid = requested == null ? DEFAULT_LIFETIME : requested;
        if (valid.compareTo(MIN_LIFETIME) < 0 || valid.compareTo(MAX_LIFETIME) > 0) {
            throw new InvalidField("expires_in", "must be between " + MIN_LIFETIME.toSeconds() + " and " + MAX_LIFETIME.toSeconds() + " seconds");
        }
        return valid;
    }

    private static Map<String, Object> details(JoinToken t) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("token_id", t.id());
        details.put("name", t.name());
        details.put("expires_at", t.expiresAt().getEpochSecond());
        return details;
    }
}
