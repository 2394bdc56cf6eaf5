// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.zone;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Zones and their join tokens, always within one account. */
@Repository
class ZoneRepository {
    private final JdbcClient jdbc;

    ZoneRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Zone z) {
        jdbc.sql("INSERT INTO zones (id, account_id, name, description, is_default, created_at) VALUES (?,?,?,?,?,?)")
                .params(z.id(), z.accountId(), z.name(), z.description(), z.isDefault(), Timestamp.from(z.createdAt()))
                .update();
    }

    List<Zone> list(UUID accountId) {
        return jdbc.sql("SELECT * FROM zones WHERE account_id = ? ORDER BY is_default DESC, created_at, id")
                .param(accountId)
                .query(ZoneRepository::zone)
                .list();
    }

    Optional<Zone> find(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM zones WHERE account_id = ? AND id = ?").params(accountId, id).query(ZoneRepository::zone).optional();
    }

    void insertToken(JoinToken t, byte[] secretSha256) {
        jdbc.sql("INSERT INTO zone_join_tokens (id, zone_id, account_id, name, secret_sha256, created_by, created_at, expires_at)"
                        + " VALUES (?,?,?,?,?,?,?,?)")
                .params(t.id(), t.zoneId(), t.accountId(), t.name(), hex(secretSha256), t.createdBy(),
                        Timestamp.from(t.createdAt()), Timestamp.from(t.expiresAt()))
                .update();
    }

    List<JoinToken> tokens(UUID accountId, UUID zoneId) {
        return jdbc.sql("SELECT * FROM zone_join_tokens WHERE account_id = ? AND zone_id = ? ORDER BY created_at DESC, id")
                .params(accountId, zoneId)
                .query(ZoneRepository::token)
                .list();
    }

    Optional<JoinToken> token(UUID accountId, UUID zoneId, UUID id) {
        return jdbc.sql("SELECT * FROM zone_join_tokens WHERE account_id = ? AND zone_id = ? AND id = ? FOR UPDATE")
                .params(accountId, zoneId, id)
                .query(ZoneRepository::token)
                .optional();
    }

    Optional<JoinToken> bySecret(byte[] secretSha256) {
        return jdbc.sql("SELECT * FROM zone_join_tokens WHERE secret_sha256 = ?")
                .param(hex(secretSha256))
                .query(ZoneRepository::token)
                .optional();
    }

    void revoke(UUID id, Instant at) {
        jdbc.sql("UPDATE zone_join_tokens SET revoked_at = ? WHERE id = ?").params(Timestamp.from(at), id).update();
    }

    void rotate(UUID id, byte[] secretSha256, Instant at, Instant expiresAt) {
        jdbc.sql("UPDATE zone_join_tokens SET secret_sha256 = ?, rotated_at = ?, expires_at = ? WHERE id = ?")
                .params(hex(secretSha256), Timestamp.from(at), Timestamp.from(expiresAt), id)
                .update();
    }

    void used(UUID id, Instant at) {
        jdbc.sql("UPDATE zone_join_tokens SET last_used_at = ? WHERE id = ?").params(Timestamp.from(at), id).update();
    }

    private static Zone zone(ResultSet rs, int row) throws SQLException {
        return new Zone(
                rs.getObject("id", UUID.class),
                rs.getObject("account_id", UUID.class),
                rs.getString("name"),
                rs.getString("description"),
                rs.getBoolean("is_default"),
                rs.getTimestamp("created_at").toInstant());
    }

    private static JoinToken token(ResultSet rs, int row) throws SQLException {
        return new JoinToken(
                rs.getObject("id", UUID.class),
                rs.getObject("zone_id", UUID.class),
                rs.getObject("account_id", UUID.class),
                rs.getString("name"),
                rs.getObject("created_by", UUID.class),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(),
                instant(rs.getTimestamp("rotated_at")),
                instant(rs.getTimestamp("revoked_at")),
                instant(rs.getTimestamp("last_used_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
