// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.server.keys.MasterKey;
import org.openccm.server.registry.RegistryService;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registry credentials given with one conversion request ("input" and "output"), sealed under the master key with
 * the image id as context while the job waits and runs, and wiped when it ends: they are never stored in clear,
 * never returned, and never outlive the job.
 */
@Component
class JobCredentials {
    private final JdbcClient jdbc;
    private final MasterKey masterKey;
    private final JsonMapper json;

    JobCredentials(JdbcClient jdbc, MasterKey masterKey, JsonMapper json) {
        this.jdbc = jdbc;
        this.masterKey = masterKey;
        this.json = json;
    }

    /** The sealed form of the given credentials, or null when none is given. */
    byte[] seal(UUID buildId, RegistryService.Credential input, RegistryService.Credential output) {
        if (input == null && output == null) {
            return null;
        }
        Map<String, Object> all = new LinkedHashMap<>();
        if (input != null) {
            all.put("input", Map.of("username", input.username(), "password", input.password() == null ? "" : input.password()));
        }
        if (output != null) {
            all.put("output", Map.of("username", output.username(), "password", output.password() == null ? "" : output.password()));
        }
        return masterKey.seal(json.writeValueAsBytes(all), "conversion:" + buildId);
    }

    /** The credential given for "input" or "output" with the job's request, if any. */
    Optional<RegistryService.Credential> given(UUID buildId, String which) {
        byte[] sealed = jdbc.sql("SELECT input_credential_enc FROM conversion_jobs WHERE build_id = ?")
                .param(buildId)
                .query(byte[].class)
                .optional()
                .orElse(null);
        if (sealed == null) {
            return Optional.empty();
        }
        JsonNode all = json.readTree(new String(masterKey.open(sealed, "conversion:" + buildId), StandardCharsets.UTF_8));
        JsonNode c = all.path(which);
        if (c.isMissingNode() || c.isNull()) {
            return Optional.empty();
        }
        return Optional.of(new RegistryService.Credential(c.path("username").asString(), c.path("password").asString()));
    }

    /** Wipes the job's credentials (it ended). */
    void wipe(UUID buildId) {
        jdbc.sql("UPDATE conversion_jobs SET input_credential_enc = NULL WHERE build_id = ?").param(buildId).update();
    }
}
