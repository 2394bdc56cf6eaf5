// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.identity;

import java.util.UUID;
import org.openccm.server.error.Forbidden;

/**
 * Who is making the request: a user through a session token, an API key acting for its creator, or a workload
 * through a zone's join token. The account and role are those of the session's selected account (or the key's
 * account); every query is scoped by them. A workload ({@link #workload()}) has no role: it may only attest into
 * its zone.
 */
public record Caller(
        UUID userId, String email, UUID accountId, Role role, UUID sessionId, UUID apiKeyId, UUID zoneId, UUID joinTokenId) {

    public Caller(UUID userId, String email, UUID accountId, Role role, UUID sessionId, UUID apiKeyId) {
        this(userId, email, accountId, role, sessionId, apiKeyId, null, null);
    }

    /** A workload holding a join token of this zone. */
    public static Caller workload(UUID accountId, UUID zoneId, UUID joinTokenId) {
        return new Caller(null, null, accountId, null, null, null, zoneId, joinTokenId);
    }

    public boolean workload() {
        return joinTokenId != null;
    }

    /** The selected account; refuses the request when the session has not selected one yet. */
    public UUID account() {
        if (accountId == null || (role == null && !workload())) {
            throw new Forbidden("no account selected: POST /v1/sys/session/select_account/{account-id} first");
        }
        return accountId;
    }

    /** How this caller appears in the audit log; a workload by its join token. */
    public Actor actor() {
        return workload() ? new Actor(null, "join-token:" + joinTokenId, null) : new Actor(userId, email, apiKeyId);
    }
}
