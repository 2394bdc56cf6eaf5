// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class SessionRepository {
    private final JdbcClient jdbc;

    SessionRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Session(UUID id, UUID userId, UUID selectedAccountId, Instant createdAt, Instant expiresAt) {}

    public void insert(UUID id, UUID userId, UUID selectedAccountId, Instant createdAt, Instant expiresAt) {
        jdbc.sql("INSERT INTO sessions (id, user_id, selected_account_id, created_at, expires_at) VALUES (?,?,?,?,?)")
                .params(id, userId, selectedAccountId, Timestamp.from(createdAt), Timestamp.from(expiresAt))
                .update();
    }

    /** The session while it is live: not terminated and not expired at {@code now}. */
    public Optional<Session> findLive(UUID id, Instant now) {
        // A deleted user's session is dead even when a log-in raced the deletion.
        return jdbc.sql("SELECT s.id, s.user_id, s.selected_account_id, s.created_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id"
                        + " WHERE s.id = ? AND s.terminated_at IS NULL AND s.expires_at > ? AND u.deleted_at IS NULL")
                .params(id, Timestamp.from(now))
                .query((rs, n) -> new Session(
                        rs.getObject("id", UUID.class),
                        rs.getObject("user_id", UUID.class),
                        rs.getObject("selected_account_id", UUID.class),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("expires_at").toInstant()))
                .optional();
    }

    public void selectAccount(UUID id, UUID accountId) {
        jdbc.sql("UPDATE sessions SET selected_account_id = ? WHERE id = ?")
                .params(accountId, id)
                .update();
    }

    /** Moves a live session's expiry (never back past now: a terminated or expired session stays so). */
    public boolean extend(UUID id, Instant now, Instant expiresAt) {
        return jdbc.sql("UPDATE sessions SET expires_at = ? WHERE id = ? AND terminated_at IS NULL AND expires_at > ?")
                        .params(Timestamp.from(expiresAt), id, Timestamp.from(now))
                        .update()
                == 1;
    }

    public void terminate(UUID id, Instant at) {
        jdbc.sql("UPDATE sessions SET terminated_at = ? WHERE id = ? AND terminated_at IS NULL")
                .params(Timestamp.from(at), id)
                .update();
    }

    public void terminateAllOf(UUID userId, Instant at) {
        jdbc.sql("UPDATE sessions SET terminated_at = ? WHERE user_id = ? AND terminated_at IS NULL")
                .params(Timestamp.from(at), userId)
                .update();
    }
}
