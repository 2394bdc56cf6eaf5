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
public class ApiKeyRepository {
    private final JdbcClient jdbc;

    ApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record ApiKey(
            UUID id,
            UUID accountId,
            UUID createdBy,
            String name,
            Role role,
            Instant createdAt,
            Instant lastUsedAt,
            Instant revokedAt) {}

    public void insert(ApiKey key, byte[] secretSha256) {
        jdbc.sql("INSERT INTO api_keys (id, account_id, created_by, name, role, secret_sha256, created_at)"
                        + " VALUES (?,?,?,?,?,?,?)")
                .params(
                        key.id(),
                        key.accountId(),
                        key.createdBy(),
                        key.name(),
                        key.role().name(),
                        secretSha256,
                        Timestamp.from(key.createdAt()))
                .update();
    }

    public Optional<ApiKey> findActiveBySecret(byte[] secretSha256) {
        return jdbc.sql("SELECT * FROM api_keys WHERE secret_sha256 = ? AND revoked_at IS NULL")
                .param(secretSha256)
                .query(ApiKeyRepository::apiKey)
                .optional();
    }

    public List<ApiKey> list(UUID accountId) {
        return jdbc.sql("SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at")
                .param(accountId)
                .query(ApiKeyRepository::apiKey)
                .list();
    }

    public boolean revoke(UUID accountId, UUID id, Instant at) {
        return jdbc.sql("UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL")
                        .params(Timestamp.from(at), accountId, id)
                        .update()
                == 1;
    }

    public boolean exists(UUID accountId, UUID id) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM api_keys WHERE account_id = ? AND id = ?)")
                .params(accountId, id)
                .query(Boolean.class)
                .single();
    }

    public void recordUse(UUID id, Instant at) {
        jdbc.sql("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
                .params(Timestamp.from(at), id)
                .update();
    }

    private static ApiKey apiKey(ResultSet rs, int row) throws SQLException {
        Timestamp used = rs.getTimestamp("last_used_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new ApiKey(
                rs.getObject("id", UUID.class),
                rs.getObject("account_id", UUID.class),
                rs.getObject("created_by", UUID.class),
                rs.getString("name"),
                Role.valueOf(rs.getString("role")),
                rs.getTimestamp("created_at").toInstant(),
                used == null ? null : used.toInstant(),
                revoked == null ? null : revoked.toInstant());
    }
}
