// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Apps, always read and written within one account. JSON columns hold the API's own snake_case shapes. */
@Repository
public class AppRepository {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private final JdbcClient jdbc;
    private final JsonMapper json;

    AppRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public record LabelCount(String key, String value, int count) {}

    /** Each label (key and value) used by the account's apps, with how many apps carry it. */
    public List<LabelCount> labelCounts(UUID accountId) {
        return jdbc.sql("SELECT l.key, l.value, count(*) AS n FROM apps a, jsonb_each_text(a.labels) l"
                        + " WHERE a.account_id = ? GROUP BY l.key, l.value ORDER BY l.key, l.value")
                .param(accountId)
                .query((rs, n) -> new LabelCount(rs.getString("key"), rs.getString("value"), rs.getInt("n")))
                .list();
    }

    public record Search(String name, String allSearch, int limit, int offset) {}

    public Optional<App> find(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM apps WHERE account_id = ? AND id = ?")
                .params(accountId, id)
                .query(this::app)
                .optional();
    }

    public Optional<App> findByName(UUID accountId, String name) {
        return jdbc.sql("SELECT * FROM apps WHERE account_id = ? AND lower(name) = lower(?)")
                .params(accountId, name)
                .query(this::app)
                .optional();
    }

    public List<App> search(UUID accountId, Search s) {
        return jdbc.sql("SELECT * FROM apps WHERE account_id = :account" + filter(s)
                        + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                .param("account", accountId)
                .param("name", s.name())
                .param("search", like(s.allSearch()))
                .param("limit", s.limit())
                .param("offset", s.offset())
                .query(this::app)
                .list();
    }

    public int count(UUID accountId, Search s) {
        return jdbc.sql("SELECT count(*) FROM apps WHERE account_id = :account" + filter(s))
                .param("account", accountId)
                .param("name", s.name())
                .param("search", like(s.allSearch()))
                .query(Integer.class)
                .single();
    }

    private static String filter(Search s) {
        return (s.name() == null ? "" : " AND lower(name) = lower(:name)")
                + (s.allSearch() == null
                        ? ""
                        : " AND (name ILIKE :search ESCAPE '\\' OR coalesce(description, '') ILIKE :search ESCAPE '\\')");
    }

    private static String like(String search) {
        return search == null ? null : "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    public void insert(App a) {
        jdbc.sql("INSERT INTO apps (id, account_id, name, description, app_type, platform, input_image_name,"
                        + " output_image_name, isvprodid, isvsvn, mem_size, threads, allowed_domains,"
                        + " default_build_settings, advanced_settings, labels, custom_metadata, group_id, created_at,"
                        + " updated_at) VALUES (:id, :account, :name, :description, :type, :platform, :input, :output,"
                        + " :isvprodid, :isvsvn, :mem, :threads, :domains::jsonb, :defaults::jsonb, :advanced::jsonb,"
                        + " :labels::jsonb, :metadata::jsonb, :group, :created, :updated)")
                .params(params(a))
                .update();
    }

    public void update(App a) {
        jdbc.sql("UPDATE apps SET name = :name, description = :description, input_image_name = :input,"
                        + " output_image_name = :output, isvprodid = :isvprodid, isvsvn = :isvsvn, mem_size = :mem,"
                        + " threads = :threads, allowed_domains = :domains::jsonb, default_build_settings ="
                        + " :defaults::jsonb, advanced_settings = :advanced::jsonb, labels = :labels::jsonb,"
                        + " custom_metadata = :metadata::jsonb, group_id = :group, updated_at = :updated"
                        + " WHERE account_id = :account AND id = :id")
                .params(params(a))
                .update();
    }

    /**
     * Makes an Enclave OS app that has no image yet an ACI app (Fortanix's apps have no type: its clients make an ACI
     * app by converting an image for ACI). False when the app has an image already or is not an Enclave OS app.
     */
    public boolean becomeAci(UUID accountId, UUID id, java.time.Instant at) {
        return jdbc.sql("UPDATE apps SET app_type = 'ACI', platform = NULL, updated_at = ? WHERE account_id = ? AND id = ?"
                        + " AND app_type = 'ENCLAVE_OS' AND NOT EXISTS (SELECT 1 FROM builds b WHERE b.app_id = apps.id)")
                .params(java.sql.Timestamp.from(at), accountId, id)
                .update() == 1;
    }

    /** False when no such app exists in the account. Fails (foreign key) while images still refer to the app. */
    public boolean delete(UUID accountId, UUID id) {
        return jdbc.sql("DELETE FROM apps WHERE account_id = ? AND id = ?")
                        .params(accountId, id)
                        .update()
                == 1;
    }

    private Map<String, Object> params(App a) {
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("id", a.id());
        p.put("account", a.accountId());
        p.put("name", a.name());
        p.put("description", a.description());
        p.put("type", a.type().name());
        p.put("platform", a.platform() == null ? null : a.platform().name());
        p.put("input", a.inputImageName());
        p.put("output", a.outputImageName());
        p.put("isvprodid", a.isvprodid());
        p.put("isvsvn", a.isvsvn());
        p.put("mem", a.memSize());
        p.put("threads", a.threads());
        p.put("domains", json.writeValueAsString(a.allowedDomains()));
        p.put("defaults", a.defaultBuildSettings() == null ? null : json.writeValueAsString(a.defaultBuildSettings()));
        p.put("advanced", a.advancedSettings() == null ? null : json.writeValueAsString(a.advancedSettings()));
        p.put("labels", json.writeValueAsString(a.labels()));
        p.put("metadata", json.writeValueAsString(a.customMetadata()));
        p.put("group", a.groupId());
        p.put("created", Timestamp.from(a.createdAt()));
        p.put("updated", Timestamp.from(a.updatedAt()));
        return p;
    }

    private App app(ResultSet rs, int row) throws SQLException {
        String platform = rs.getString("platform");
        String defaults = rs.getString("default_build_settings");
        String advanced = rs.getString("advanced_settings");
        return new App(
                rs.getObject("id", UUID.class),
                rs.getObject("account_id", UUID.class),
                rs.getString("name"),
                rs.getString("description"),
                AppType.valueOf(rs.getString("app_type")),
                platform == null ? null : Platform.valueOf(platform),
                rs.getString("input_image_name"),
                rs.getString("output_image_name"),
                (Integer) rs.getObject("isvprodid"),
                (Integer) rs.getObject("isvsvn"),
                (Long) rs.getObject("mem_size"),
                (Integer) rs.getObject("threads"),
                json.readValue(rs.getString("allowed_domains"), STRINGS),
                defaults == null ? null : json.readValue(defaults, DefaultBuildSettings.class),
                advanced == null ? null : json.readValue(advanced, AdvancedSettings.class),
                json.readValue(rs.getString("labels"), STRING_MAP),
                json.readValue(rs.getString("custom_metadata"), STRING_MAP),
                rs.getObject("group_id", UUID.class),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
