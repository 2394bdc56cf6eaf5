// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.openccm.server.identity.Caller;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.Conflict;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.openccm.server.error.NotFound;
import org.openccm.server.keys.MasterKey;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Saves, changes and removes registry credentials; only the conversion jobs ever read a secret back. */
@Service
public class RegistryService {
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9._/-]+)?");
    private final JdbcClient jdbc;
    private final MasterKey masterKey;
    private final AuditLog audit;
    private final Clock clock;

    RegistryService(JdbcClient jdbc, MasterKey masterKey, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.masterKey = masterKey;
        this.audit = audit;
        this.clock = clock;
    }

    /** A credential to present to a registry. */
    public record Credential(String username, String password) {}

    @Transactional
    public Registry create(Caller caller, String url, String description, String username, String password) {
        UUID account = caller.account();
        String host = url(url);
        requireUnique(account, host, null);
        String user = FieldRules.required("credential.default.username", FieldRules.text("credential.default.username", username, 256));
        FieldRules.text("description", description, 1000);
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO registries (id, account_id, url, description, username, secret_enc, created_at, updated_at)"
                        + " VALUES (?,?,?,?,?,?,?,?)")
                .params(id, account, host, description, user, seal(id, password), Timestamp.from(now), Timestamp.from(now))
                .update();
        audit.append(account, caller.actor(), "registry.created", "registry", id, Map.of("url", host, "username", user));
        return get(account, id);
    }

    /**
     * Applies a JSON Patch (RFC 6902 subset: replace, add, remove) to /url, /description,
     * /credential/default/username or /credential/default/password.
     */
    @Transactional
    public Registry patch(Caller caller, UUID id, List<Map<String, Object>> operations) {
        UUID account = caller.account();
        Registry current = get(account, id);
        String url = current.url();
        String description = current.description();
        String username = current.username();
        String password = null;
        boolean passwordChanged = false;
        List<String> changed = new java.util.ArrayList<>();
        for (int i = 0; i < operations.size(); i++) {
            Map<String, Object> op = operations.get(i);
            String at = "[" + i + "]";
            String kind = String.valueOf(FieldRules.required(at + ".op", op.get("op")));
            String path = String.valueOf(FieldRules.required(at + ".path", op.get("path")));
            Object value = op.get("value");
            if (!kind.equals("replace") && !kind.equals("add") && !kind.equals("remove")) {
                throw new InvalidField(at + ".op", "one of replace, add, remove");
            }
            // Fortanix's description types a patch value as an object: its clients replace the whole credential,
            // {"default": {"username", "password"}}, at /credential (or its inner object at /credential/default).
            if ((path.equals("/credential") || path.equals("/credential/default")) && !kind.equals("remove")) {
                Object inner = path.equals("/credential") && value instanceof Map<?, ?> m ? m.get("default") : value;
                if (!(inner instanceof Map<?, ?> auth) || !(auth.get("username") instanceof String user)
                        || !(auth.get("password") instanceof String secret)) {
                    throw new InvalidField(at + ".value", path.equals("/credential")
                            ? "{\"default\": {\"username\": ..., \"password\": ...}} is required"
                            : "{\"username\": ..., \"password\": ...} is required");
                }
                username = FieldRules.required(at + ".value.username", FieldRules.text(at + ".value.username", user, 256));
                password = secret;
                passwordChanged = true;
                changed.add(path);
                continue;
            }
            String text = kind.equals("remove") ? null : value instanceof String s ? s : null;
            if (!kind.equals("remove") && text == null) {
                throw new InvalidField(at + ".value", "a string is required");
            }
            switch (path) {
                case "/url" -> url = url(FieldRules.required(at + ".value", text));
                case "/description" -> description = FieldRules.text(at + ".value", text, 1000);
                case "/credential/default/username" -> username = FieldRules.required(at + ".value", FieldRules.text(at + ".value", text, 256));
                case "/credential/default/password" -> {
                    password = text;
                    passwordChanged = true;
                }
                default -> throw new InvalidField(at + ".path", "not a field of a registry that can change: " + path);
            }
            changed.add(path);
        }
        requireUnique(account, url, id);
        jdbc.sql("UPDATE registries SET url = ?, description = ?, username = ?, updated_at = ?"
                        + (passwordChanged ? ", secret_enc = ?" : "") + " WHERE account_id = ? AND id = ?")
                .params(passwordChanged
                        ? List.of(url, nullable(description), username, Timestamp.from(clock.instant()), nullableBytes(seal(id, password)), account, id)
                        : List.of(url, nullable(description), username, Timestamp.from(clock.instant()), account, id))
                .update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("changed", changed);
        audit.append(account, caller.actor(), "registry.updated", "registry", id, details);
        return get(account, id);
    }

    @Transactional
    public void delete(Caller caller, UUID id) {
        UUID account = caller.account();
        Registry r = get(account, id);
        jdbc.sql("DELETE FROM registries WHERE account_id = ? AND id = ?").params(account, id).update();
        audit.append(account, caller.actor(), "registry.deleted", "registry", id, Map.of("url", r.url()));
    }

    public List<Registry> list(UUID accountId) {
        return jdbc.sql("SELECT * FROM registries WHERE account_id = ? ORDER BY url").param(accountId).query(RegistryService::registry).list();
    }

    public Registry get(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM registries WHERE account_id = ? AND id = ?")
                .params(accountId, id)
                .query(RegistryService::registry)
                .optional()
                .orElseThrow(() -> new NotFound("registry", id));
    }

    /** The saved registry an image would be pulled from or pushed to (Docker Hub for a bare name). */
    public Optional<Registry> forImage(UUID accountId, String imageName) {
        String host = ImageNames.registryOf(imageName);
        return jdbc.sql("SELECT * FROM registries WHERE account_id = ? AND lower(url) = ?")
                .params(accountId, host)
                .query(RegistryService::registry)
                .optional();
    }

    /** The credential for an image, unsealed; for the conversion jobs only, never for an API answer. */
    public Optional<Credential> credentialFor(UUID accountId, String imageName) {
        return forImage(accountId, imageName).map(r -> {
            byte[] sealed = jdbc.sql("SELECT secret_enc FROM registries WHERE id = ?").param(r.id()).query(byte[].class).single();
            String password = sealed == null ? null : new String(masterKey.open(sealed, "registry:" + r.id()), StandardCharsets.UTF_8);
            return new Credential(r.username(), password);
        });
    }

    private byte[] seal(UUID id, String password) {
        if (password == null) {
            return null;
        }
        if (password.length() > 8192) {
            throw new InvalidField("credential.default.password", "at most 8192 characters");
        }
        return masterKey.seal(password.getBytes(StandardCharsets.UTF_8), "registry:" + id);
    }

    private void requireUnique(UUID account, String url, UUID self) {
        jdbc.sql("SELECT id FROM registries WHERE account_id = ? AND lower(url) = ?")
                .params(account, url)
                .query(UUID.class)
                .optional()
                .filter(existing -> !existing.equals(self))
                .ifPresent(existing -> {
                    throw new Conflict("url", "credentials for " + url + " are saved already: " + existing);
                });
    }

    private static String url(String url) {
        // a host (253) and a port: anything longer cannot be a registry, and would not fit the unique index
        String host = ImageNames.normalize(FieldRules.required("url", FieldRules.text("url", url, 260)));
        if (!HOST.matcher(host).matches()) {
            throw new InvalidField("url", "a registry host, with an optional port, e.g. registry.example.com:5000");
        }
        return host;
    }

    private static Object nullable(String s) {
        return s == null ? new org.springframework.jdbc.core.SqlParameterValue(java.sql.Types.VARCHAR, null) : s;
    }

    private static Object nullableBytes(byte[] b) {
        return b == null ? new org.springframework.jdbc.core.SqlParameterValue(java.sql.Types.BINARY, null) : b;
    }

    private static Registry registry(ResultSet rs, int row) throws SQLException {
        return new Registry(
                rs.getObject("id", UUID.class),
                rs.getObject("account_id", UUID.class),
                rs.getString("url"),
                rs.getString("description"),
                rs.getString("username"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
