// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.openccm.server.identity.Role;

@Repository
public class UserRepository {
    private final JdbcClient jdbc;

    UserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record User(
            UUID id,
            String email,
            String passwordHash,
            String firstName,
            String lastName,
            Instant createdAt,
            Instant lastLoggedInAt) {}

    /** A user as seen from one account: with the role there. */
    public record Member(User user, Role role) {}

    /**
     * Held until the transaction ends: instances started together on an empty database (replicas of a first
     * deployment) would otherwise all see no user and all create the first admin, and all but one fail to start.
     */
    public void lockFirstStart() {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('openccm.first-admin'))").query((rs, n) -> 1).single();
    }

    public boolean isEmpty() {
        return jdbc.sql("SELECT NOT EXISTS (SELECT 1 FROM users)").query(Boolean.class).single();
    }

    public Optional<User> findByEmail(String email) {
        return jdbc.sql("SELECT * FROM users WHERE lower(email) = lower(?)")
                .param(email)
                .query(UserRepository::user)
                .optional();
    }

    public Optional<User> findById(UUID id) {
        return jdbc.sql("SELECT * FROM users WHERE id = ?").param(id).query(UserRepository::user).optional();
    }

    public void insert(User u) {
        jdbc.sql("INSERT INTO users (id, email, password_hash, first_name, last_name, created_at) VALUES (?,?,?,?,?,?)")
                .params(u.id(), u.email(), u.passwordHash(), u.firstName(), u.lastName(), Timestamp.from(u.createdAt()))
                .update();
    }

    /**
     * A user made by an invitation, who has not signed up (or been given a password) yet; the id of the e-mail's
     * user, whoever made it first when two invitations race.
     */
    public UUID insertInvitedOnly(String email, String unusableHash, Instant at) {
        jdbc.sql("INSERT INTO users (id, email, password_hash, created_at, invited_only) VALUES (?,?,?,?,true) ON CONFLICT DO NOTHING")
                .params(UUID.randomUUID(), email, unusableHash, Timestamp.from(at))
                .update();
        return findByEmail(email).orElseThrow().id();
    }

    public boolean invitedOnly(UUID id) {
        return jdbc.sql("SELECT invited_only FROM users WHERE id = ?").param(id).query(Boolean.class).optional().orElse(false);
    }

    /** The person behind an invited e-mail takes the user over: a password and names, from now on a user like any. */
    /** Whether this call took it over (false: someone else did first). */
    public boolean claim(UUID id, String passwordHash, String firstName, String lastName) {
        return jdbc.sql("UPDATE users SET password_hash = ?, first_name = ?, last_name = ?, invited_only = false WHERE id = ? AND invited_only")
                .params(passwordHash, firstName, lastName, id)
                .update() == 1;
    }

    public void recordLogin(UUID id, Instant at) {
        jdbc.sql("UPDATE users SET last_logged_in_at = ? WHERE id = ?")
                .params(Timestamp.from(at), id)
                .update();
    }

    public Optional<Role> roleIn(UUID accountId, UUID userId) {
        return jdbc.sql("SELECT role FROM account_members WHERE account_id = ? AND user_id = ?")
                .params(accountId, userId)
                .query((rs, n) -> Role.valueOf(rs.getString(1)))
                .optional();
    }

    public void addMember(UUID accountId, UUID userId, Role role, Instant at) {
        jdbc.sql("INSERT INTO account_members (account_id, user_id, role, created_at) VALUES (?,?,?,?)")
                .params(accountId, userId, role.name(), Timestamp.from(at))
                .update();
    }

    public Optional<Member> member(UUID accountId, UUID userId) {
        return jdbc.sql("SELECT u.*, m.role FROM users u JOIN account_members m ON m.user_id = u.id"
                        + " WHERE m.account_id = ? AND u.id = ?")
                .params(accountId, userId)
                .query((rs, n) -> new Member(user(rs, n), Role.valueOf(rs.getString("role"))))
                .optional();
    }

    /** The account's ADMINs, their rows locked: a change that could leave none is decided on a stable set. */
    public List<UUID> lockAdmins(UUID accountId) {
        return jdbc.sql("SELECT user_id FROM account_members WHERE account_id = ? AND role = 'ADMIN' FOR UPDATE")
                .param(accountId)
                .query(UUID.class)
                .list();
    }

    public void setRole(UUID accountId, UUID userId, Role role) {
        jdbc.sql("UPDATE account_members SET role = ? WHERE account_id = ? AND user_id = ?")
                .params(role.name(), accountId, userId)
                .update();
    }

    public boolean removeMember(UUID accountId, UUID userId) {
        return jdbc.sql("DELETE FROM account_members WHERE account_id = ? AND user_id = ?")
                        .params(accountId, userId)
                        .update()
                == 1;
    }

    /** Forgets who the user was: the row stays for what refers to it, without e-mail, names or a usable password. */
    public void forget(UUID userId, String unusableHash, Instant at) {
        jdbc.sql("UPDATE users SET email = ?, password_hash = ?, first_name = NULL, last_name = NULL, deleted_at = ? WHERE id = ?")
                .params("deleted-" + userId + "@deleted.invalid", unusableHash, Timestamp.from(at), userId)
                .update();
    }

    public void setNames(UUID userId, String firstName, String lastName) {
        jdbc.sql("UPDATE users SET first_name = ?, last_name = ? WHERE id = ?")
                .params(firstName, lastName, userId)
                .update();
    }

    public List<Member> members(UUID accountId, int limit, int offset) {
        return jdbc.sql("SELECT u.*, m.role FROM users u JOIN account_members m ON m.user_id = u.id"
                        + " WHERE m.account_id = ? ORDER BY lower(u.email) LIMIT ? OFFSET ?")
                .params(accountId, limit, offset)
                .query((rs, n) -> new Member(user(rs, n), Role.valueOf(rs.getString("role"))))
                .list();
    }

    public int countMembers(UUID accountId) {
        return jdbc.sql("SELECT count(*) FROM account_members WHERE account_id = ?")
                .param(accountId)
                .query(Integer.class)
                .single();
    }

    static User user(ResultSet rs, int row) throws SQLException {
        Timestamp lastLogin = rs.getTimestamp("last_logged_in_at");
        return new User(
                rs.getObject("id", UUID.class),
                rs.getString("email"),
                rs.getString("password_hash"),
                rs.getString("first_name"),
                rs.getString("last_name"),
                rs.getTimestamp("created_at").toInstant(),
                lastLogin == null ? null : lastLogin.toInstant());
    }
}
