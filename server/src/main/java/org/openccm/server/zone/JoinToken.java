// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.zone;

import java.time.Instant;
import java.util.UUID;

/** A join token as stored: never its secret, only the secret's SHA-256. */
public record JoinToken(
        UUID id,
        UUID zoneId,
        UUID accountId,
        String name,
        UUID createdBy,
        Instant createdAt,
        Instant expiresAt,
        Instant rotatedAt,
        Instant revokedAt,
        Instant lastUsedAt) {

    public boolean usableAt(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }
}
