// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.node;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
class NodeRepository {
    private final JdbcClient jdbc;
    private final JsonMapper json;

    NodeRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Locks the zone's node of that name, if there is one, while an attestation updates it. */
    Optional<Node> lockByName(UUID zoneId, String name) {
        return jdbc.sql("SELECT * FROM nodes WHERE zone_id = ? AND lower(name) = lower(?) FOR UPDATE")
                .params(zoneId, name)
                .query(this::node)
                .optional();
    }

    void insert(Node n) {
        jdbc.sql("INSERT INTO nodes (id, account_id, zone_id, name, platform, app_id, build_id, measured, status, attestation_count,"
                        + " created_at, status_updated_at, attested_at) VALUES (?,?,?,?,?,?,?,?::jsonb,?,?,?,?,?)")
                .params(n.id(), n.accountId(), n.zoneId(), n.name(), n.platform() == null ? null : n.platform().name(), n.appId(), n.buildId(),
                        json.writeValueAsString(n.measured()), n.status().name(), n.attestationCount(),
                        Timestamp.from(n.createdAt()), Timestamp.from(n.statusUpdatedAt()), n.attestedAt() == null ? null : Timestamp.from(n.attestedAt()))
                .update();
        if (n.provisioned() != null) {
            jdbc.sql("UPDATE nodes SET ipaddress = ?, agent_version = ?, sys_info = ?::jsonb WHERE id = ?")
                    .params(n.provisioned().ipaddress(), n.provisioned().agentVersion(),
                            n.provisioned().sysInfo() == null ? null : json.writeValueAsString(n.provisioned().sysInfo()), n.id())
                    .update();
        }
    }

    void attestedAgain(UUID id, Platform platform, UUID appId, UUID buildId, Map<String, String> measured, Instant at) {
        // A provisioned node's first attestation makes it RUNNING.
        jdbc.sql("UPDATE nodes SET platform = ?, app_id = ?, build_id = ?, measured = ?::jsonb, attestation_count = attestation_count + 1,"
                        + " attested_at = ?, status_updated_at = CASE WHEN status = 'PROVISIONED' THEN ? ELSE status_updated_at END,"
                        + " status = CASE WHEN status = 'PROVISIONED' THEN 'RUNNING' ELSE status END WHERE id = ?")
                .params(platform.name(), appId, buildId, json.writeValueAsString(measured), Timestamp.from(at), Timestamp.from(at), id)
                .update();
    }

    void deactivate(UUID id, Instant at) {
        jdbc.sql("UPDATE nodes SET status = 'DEACTIVATED', status_updated_at = ? WHERE id = ?").params(Timestamp.from(at), id).update();
    }

    Optional<Node> find(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM nodes WHERE account_id = ? AND id = ?").params(accountId, id).query(this::node).optional();
    }

    Optional<Node> lock(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM nodes WHERE account_id = ? AND id = ? FOR UPDATE").params(accountId, id).query(this::node).optional();
    }

    List<Node> list(UUID accountId, String name, int limit, int offset) {
        return jdbc.sql("SELECT * FROM nodes WHERE account_id = ? AND (?::text IS NULL OR lower(name) = lower(?))"
                        + " ORDER BY attested_at DESC NULLS LAST, id LIMIT ? OFFSET ?")
                .params(accountId, name, name, limit, offset)
                .query(this::node)
                .list();
    }

    List<Node> ofBuild(UUID accountId, UUID buildId, int limit, int offset) {
        return jdbc.sql("SELECT * FROM nodes WHERE account_id = ? AND build_id = ? ORDER BY attested_at DESC NULLS LAST, id LIMIT ? OFFSET ?")
                .params(accountId, buildId, limit, offset)
                .query(this::node)
                .list();
    }

    int countOfBuild(UUID accountId, UUID buildId) {
        return jdbc.sql("SELECT count(*) FROM nodes WHERE account_id = ? AND build_id = ?")
                .params(accountId, buildId)
                .query(Integer.class)
                .single();
    }

    int count(UUID accountId, String name) {
        return jdbc.sql("SELECT count(*) FROM nodes WHERE account_id = ? AND (?::text IS NULL OR lower(name) = lower(?))")
                .params(accountId, name, name)
                .query(Integer.class)
                .single();
    }

    public void describe(UUID id, String description, Map<String, String> labels) {
        jdbc.sql("UPDATE nodes SET description = ?, labels = ?::jsonb WHERE id = ?")
                .params(description, json.writeValueAsString(labels), id)
                .update();
    }

    private Node node(ResultSet rs, int row) throws SQLException {
        return new Node(
                rs.getObject("id", UUID.class),
                rs.getObject("account_id", UUID.class),
                rs.getObject("zone_id", UUID.class),
                rs.getString("name"),
                rs.getString("platform") == null ? null : Platform.valueOf(rs.getString("platform")),
                rs.getObject("app_id", UUID.class),
                rs.getObject("build_id", UUID.class),
                json.readValue(rs.getString("measured"), new TypeReference<Map<String, String>>() {}),
                Node.Status.valueOf(rs.getString("status")),
                rs.getLong("attestation_count"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("status_updated_at").toInstant(),
                rs.getTimestamp("attested_at") == null ? null : rs.getTimestamp("attested_at").toInstant(),
                rs.getString("description"),
                json.readValue(rs.getString("labels"), new TypeReference<Map<String, String>>() {}),
                rs.getString("ipaddress") == null && rs.getString("agent_version") == null && rs.getString("sys_info") == null ? null
                        : new Node.Provisioned(rs.getString("ipaddress"), rs.getString("agent_version"), rs.getString("sys_info") == null ? null
                                : json.readValue(rs.getString("sys_info"), new TypeReference<Map<String, Object>>() {})));
    }
}
