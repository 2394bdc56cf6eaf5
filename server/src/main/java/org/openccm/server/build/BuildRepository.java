// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.attestation.ReferenceValues;
import org.openccm.server.app.AdvancedSettings;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Images, always within one account. JSON columns hold the API's own snake_case shapes. */
@Repository
public class BuildRepository {
    private final JdbcClient jdbc;
    private final JsonMapper json;

    public BuildRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public record Search(
            UUID appId,
            BuildStatus status,
            Platform platform,
            DeploymentStatus deploymentStatus,
            int limit,
            int offset) {}

    public void insert(Build b) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", b.id());
        p.put("account", b.accountId());
        p.put("app", b.appId());
        p.put("platform", b.platform().name());
        p.put("docker", b.dockerInfo() == null ? null : json.writeValueAsString(b.dockerInfo()));
        p.put("image", b.dockerInfo() == null ? null : b.dockerInfo().dockerImageName());
        p.put("version", b.dockerInfo() == null ? null : b.dockerInfo().dockerVersion());
        p.put("mrenclave", b.mrenclave());
        p.put("mrsigner", b.mrsigner());
        p.put("isvprodid", b.isvprodid());
        p.put("isvsvn", b.isvsvn());
        p.put("attributes", json.writeValueAsString(b.attributes()));
        p.put("advanced", json.writeValueAsString(b.advancedSettings()));
        p.put("hint", b.launchHint() == null ? null : json.writeValueAsString(b.launchHint()));
        p.put("mem", b.memSize());
        p.put("threads", b.threads());
        p.put("overlay", b.enableOverlayFilesystemPersistence());
        p.put("group", b.groupId());
        p.put("identity", b.identitySha256());
        p.put("status", b.status().name());
        p.put("status_at", Timestamp.from(b.statusUpdatedAt()));
        p.put("deployment", b.deploymentStatus().name());
        p.put("deployment_at", Timestamp.from(b.deploymentStatusUpdatedAt()));
        p.put("task", b.pendingTaskId());
        p.put("created_by", b.createdBy());
        p.put("created", Timestamp.from(b.createdAt()));
        p.put("updated", Timestamp.from(b.updatedAt()));
        jdbc.sql("INSERT INTO builds (id, account_id, app_id, platform, docker_info, docker_image_name, docker_version,"
                        + " mrenclave, mrsigner, isvprodid, isvsvn, attributes, advanced_settings, launch_hint, mem_size,"
                        + " threads, enable_overlay_fs_persistence, group_id, identity_sha256, status, status_updated_at,"
                        + " deployment_status, deployment_status_updated_at, pending_task_id, created_by, created_at,"
                        + " updated_at) VALUES (:id, :account, :app, :platform, :docker::jsonb, :image, :version,"
                        + " :mrenclave, :mrsigner, :isvprodid, :isvsvn, :attributes::jsonb, :advanced::jsonb,"
                        + " :hint::jsonb, :mem, :threads, :overlay, :group, :identity, :status, :status_at, :deployment,"
                        + " :deployment_at, :task, :created_by, :created, :updated)")
                .params(p)
                .update();
        index(b.id(), b.accountId(), b.platform(), BuildReferenceValues.of(b));
    }

    /** Replaces an image's lookup keys by those of its current reference values (none while it has none). */
    private void index(UUID id, UUID accountId, Platform platform, Optional<ReferenceValues> values) {
        jdbc.sql("DELETE FROM build_lookup_keys WHERE build_id = ?").param(id).update();
        for (String key : values.map(ReferenceValues::lookupKeys).orElse(List.of())) {
            jdbc.sql("INSERT INTO build_lookup_keys (build_id, account_id, platform, lookup_key) VALUES (?,?,?,?)"
                            + " ON CONFLICT DO NOTHING")
                    .params(id, accountId, platform.name(), key)
                    .update();
        }
    }

    /**
     * The images of the account on this platform that share at least one lookup key with a measurement: every image
     * it can match, found through the index, however many images exist. Newest first.
     */
    public List<Build> candidates(UUID accountId, Platform platform, List<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT * FROM builds WHERE account_id = :account AND platform = :platform AND id IN"
                        + " (SELECT build_id FROM build_lookup_keys WHERE account_id = :account AND platform = :platform"
                        + " AND lookup_key IN (:keys)) ORDER BY created_at DESC, id")
                .param("account", accountId)
                .param("platform", platform.name())
                .param("keys", keys)
                .query(this::build)
                .list();
    }

    public Optional<Build> find(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM builds WHERE account_id = ? AND id = ?")
                .params(accountId, id)
                .query(this::build)
                .optional();
    }

    /** The ACI image of this app with this tag, if any: tags are unique within an ACI app. */
    public Optional<UUID> findAciTag(UUID appId, String tag) {
        return jdbc.sql("SELECT id FROM builds WHERE app_id = ? AND platform = 'ACI' AND docker_version = ?")
                .params(appId, tag)
                .query(UUID.class)
                .optional();
    }

    /** The Azure CVM image of the account with exactly these PCR values, if any. */
    public Optional<UUID> findAzureCvmIdentity(UUID accountId, String identitySha256) {
        return jdbc.sql("SELECT id FROM builds WHERE account_id = ? AND platform = 'AZURE_CVM' AND identity_sha256 = ?")
                .params(accountId, identitySha256)
                .query(UUID.class)
                .optional();
    }

    public List<Build> search(UUID accountId, Search s) {
        return jdbc.sql("SELECT * FROM builds WHERE account_id = :account" + filter(s)
                        + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                .params(params(accountId, s))
                .query(this::build)
                .list();
    }

    public int count(UUID accountId, Search s) {
        return jdbc.sql("SELECT count(*) FROM builds WHERE account_id = :account" + filter(s))
                .params(params(accountId, s))
                .query(Integer.class)
                .single();
    }

    /** Locks the image row while its approval outcome is applied. */
    public Optional<Build> lock(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM builds WHERE account_id = ? AND id = ? FOR UPDATE")
                .params(accountId, id)
                .query(this::build)
                .optional();
    }

    public void setStatus(UUID id, BuildStatus status, java.time.Instant at) {
        jdbc.sql("UPDATE builds SET status = ?, status_updated_at = ?, pending_task_id = NULL, updated_at = ?"
                        + " WHERE id = ?")
                .params(status.name(), Timestamp.from(at), Timestamp.from(at), id)
                .update();
    }

    public void setConversion(
            Build converted, DockerInfo docker, ImageAttributes attributes, String identity, UUID taskId, java.time.Instant at) {
        UUID id = converted.id();
        jdbc.sql("UPDATE builds SET docker_info = ?::jsonb, attributes = ?::jsonb, identity_sha256 = ?, status = 'PENDING',"
                        + " status_updated_at = ?, pending_task_id = ?, updated_at = ? WHERE id = ?")
                .params(
                        json.writeValueAsString(docker),
                        json.writeValueAsString(attributes),
                        identity,
                        Timestamp.from(at),
                        taskId,
                        Timestamp.from(at),
                        id)
                .update();
        index(id, converted.accountId(), converted.platform(), BuildReferenceValues.of(converted));
    }

    public void setDeployed(UUID id, java.time.Instant at) {
        jdbc.sql("UPDATE builds SET deployment_status = 'DEPLOYED', deployment_status_updated_at = ?, updated_at = ?"
                        + " WHERE id = ?")
                .params(Timestamp.from(at), Timestamp.from(at), id)
                .update();
    }

    public boolean delete(UUID accountId, UUID id) {
        return jdbc.sql("DELETE FROM builds WHERE account_id = ? AND id = ?")
                        .params(accountId, id)
                        .update()
                == 1;
    }

    private static String filter(Search s) {
        return (s.appId() == null ? "" : " AND app_id = :app")
                + (s.status() == null ? "" : " AND status = :status")
                + (s.platform() == null ? "" : " AND platform = :platform")
                + (s.deploymentStatus() == null ? "" : " AND deployment_status = :deployment");
    }

    private static Map<String, Object> params(UUID accountId, Search s) {
        Map<String, Object> p = new HashMap<>();
        p.put("account", accountId);
        p.put("app", s.appId());
        p.put("status", s.status() == null ? null : s.status().name());
        p.put("platform", s.platform() == null ? null : s.platform().name());
        p.put("deployment", s.deploymentStatus() == null ? null : s.deploymentStatus().name());
        p.put("limit", s.limit());
        p.put("offset", s.offset());
        return p;
    }

    private Build build(ResultSet rs, int row) throws SQLException {
        String docker = rs.getString("docker_info");
        String hint = rs.getString("launch_hint");
        return new Build(
                rs.getObject("id", UUID.class),
                rs.getObject("account_id", UUID.class),
                rs.getObject("app_id", UUID.class),
                Platform.valueOf(rs.getString("platform")),
                docker == null ? null : json.readValue(docker, DockerInfo.class),
                rs.getString("mrenclave"),
                rs.getString("mrsigner"),
                (Integer) rs.getObject("isvprodid"),
                (Integer) rs.getObject("isvsvn"),
                json.readValue(rs.getString("attributes"), ImageAttributes.class),
                json.readValue(rs.getString("advanced_settings"), AdvancedSettings.class),
                hint == null ? null : json.readValue(hint, LaunchHint.class),
                (Long) rs.getObject("mem_size"),
                (Integer) rs.getObject("threads"),
                rs.getBoolean("enable_overlay_fs_persistence"),
                rs.getObject("group_id", UUID.class),
                rs.getString("identity_sha256"),
                BuildStatus.valueOf(rs.getString("status")),
                rs.getTimestamp("status_updated_at").toInstant(),
                DeploymentStatus.valueOf(rs.getString("deployment_status")),
                rs.getTimestamp("deployment_status_updated_at").toInstant(),
                rs.getObject("pending_task_id", UUID.class),
                rs.getObject("created_by", UUID.class),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                json.readValue(rs.getString("configs"), CONFIGS));
    }

    private static final tools.jackson.core.type.TypeReference<Map<String, Object>> CONFIGS = new tools.jackson.core.type.TypeReference<>() {};

    public void setConfigs(UUID accountId, UUID id, Map<String, Object> configs, java.time.Instant at) {
        jdbc.sql("UPDATE builds SET configs = ?::jsonb, updated_at = ? WHERE account_id = ? AND id = ?")
                .params(json.writeValueAsString(configs), java.sql.Timestamp.from(at), accountId, id)
                .update();
    }
}
