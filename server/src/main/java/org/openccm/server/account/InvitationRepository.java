// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.openccm.server.identity.Role;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Invitations to accounts, one per account and e-mail (inviting again renews it). */
@Repository
public class InvitationRepository {
    private final JdbcClient jdbc;

    InvitationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An invitation to an account, as its invitee sees it. */
    public record Invitation(UUID id, UUID accountId, String accountName, Role role, Instant createdAt, Instant expiresAt) {}

    /** Invites the e-mail to the account, or renews its invitation there; the id of the invitation kept. */
    UUID upsert(UUID accountId, String email, Role role, UUID invitedBy, Instant now, Instant expires) {
        return jdbc.sql("INSERT INTO invitations (id, account_id, email, role, invited_by, created_at, expires_at) VALUES (?,?,?,?,?,?,?)"
                        + " ON CONFLICT (account_id, lower(email)) DO UPDATE SET role = excluded.role, invited_by = excluded.invited_by,"
                        + " created_at = excluded.created_at, expires_at = excluded.expires_at RETURNING id")
                .params(UUID.randomUUID(), accountId, email, role.name(), invitedBy, Timestamp.from(now), Timestamp.from(expires))
                .query(UUID.class)
                .single();
    }

    /** The invitations addressed to this e-mail that have not expired at {@code now}, oldest first. */
    List<Invitation> pendingFor(String email, Instant now) {
        return jdbc.sql("SELECT i.id, i.account_id, a.name, i.role, i.created_at, i.expires_at FROM invitations i JOIN accounts a ON a.id = i.account_id"
                        + " WHERE lower(i.email) = lower(?) AND i.expires_at > ? ORDER BY i.created_at")
                .params(email, Timestamp.from(now))
                .query((rs, n) -> new Invitation(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        Role.valueOf(rs.getString(4)), rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant()))
                .list();
    }

    void delete(UUID id) {
        jdbc.sql("DELETE FROM invitations WHERE id = ?").param(id).update();
    }
}
