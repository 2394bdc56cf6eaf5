// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.identity;

import java.util.UUID;
import org.openccm.server.identity.Actor;
import org.openccm.server.error.Forbidden;

/**
 * Who is making the request: a user through a session token, or an API key acting for its creator. The account
 * and role are those of the session's selected account (or the key's account); every query is scoped by them.
 */
public record Caller(UUID userId, String email, UUID accountId, Role role, UUID sessionId, UUID apiKeyId) {

    /** The selected account; refuses the request when the session has not selected one yet. */
    public UUID account() {
        if (accountId == null || role == null) {
            throw new Forbidden("no account selected: POST /v1/sys/session/select_account/{account-id} first");
        }
        return accountId;
    }

    /** How this caller appears in the audit log. */
    public Actor actor() {
        return new Actor(userId, email, apiKeyId);
    }
}
