// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.openccm.server.identity.Role;

@Repository
public class AccountRepository {
    private final JdbcClient jdbc;

    AccountRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Account(UUID id, String name, Instant createdAt) {}

    /** An account together with the caller's role in it. */
    public record Membership(Account account, Role role) {}

    /** Whether this owner has an account of this name already (names are unique per owner only). */
    public boolean nameTaken(UUID owner, String name) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM accounts WHERE created_by = ? AND lower(name) = lower(?))")
                .params(owner, name)
                .query(Boolean.class)
                .single();
    }

    /**
     * Deletes the account and, by the schema's cascades, everything in it; a record of the deletion with the audit
     * chain's last link stays in deleted_accounts.
     */
    public void delete(Account account, java.time.Instant at, UUID byUser, String byEmail) {
        var head = jdbc.sql("SELECT last_seq, last_hash FROM audit_heads WHERE account_id = ?").param(account.id()).query().listOfRows();
        jdbc.sql("INSERT INTO deleted_accounts (account_id, name, created_at, deleted_at, deleted_by, deleted_by_email, audit_last_seq,"
                        + " audit_last_hash) VALUES (?,?,?,?,?,?,?,?)")
                .params(account.id(), account.name(), Timestamp.from(account.createdAt()), Timestamp.from(at), byUser, byEmail,
                        head.isEmpty() ? null : head.getFirst().get("last_seq"), head.isEmpty() ? null : head.getFirst().get("last_hash"))
                .update();
        jdbc.sql("DELETE FROM accounts WHERE id = ?").param(account.id()).update();
    }

    public void rename(UUID id, String name) {
        jdbc.sql("UPDATE accounts SET name = ? WHERE id = ?").params(name, id).update();
    }

    /** Whether another account of the same owner has this name. */
    public boolean nameTakenByAnother(UUID accountId, String name) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM accounts o JOIN accounts a ON a.created_by IS NOT DISTINCT FROM o.created_by"
                        + " WHERE a.id = ? AND o.id <> a.id AND lower(o.name) = lower(?))")
                .params(accountId, name)
                .query(Boolean.class)
                .single();
    }

    public void insert(Account a) {
        insert(a, null);
    }

    public void insert(Account a, UUID owner) {
        jdbc.sql("INSERT INTO accounts (id, name, created_at, created_by) VALUES (?,?,?,?)")
                .params(a.id(), a.name(), Timestamp.from(a.createdAt()), owner)
                .update();
    }

    public List<Membership> membershipsOf(UUID userId) {
        return jdbc.sql("SELECT a.id, a.name, a.created_at, m.role FROM accounts a"
                        + " JOIN account_members m ON m.account_id = a.id WHERE m.user_id = ? ORDER BY lower(a.name)")
                .param(userId)
                .query((rs, n) -> new Membership(
                        new Account(
                                rs.getObject("id", UUID.class),
                                rs.getString("name"),
                                rs.getTimestamp("created_at").toInstant()),
                        Role.valueOf(rs.getString("role"))))
                .list();
    }

    public Optional<Membership> membership(UUID userId, UUID accountId) {
        return membershipsOf(userId).stream()
                .filter(m -> m.account().id().equals(accountId))
                .findFirst();
    }
}
