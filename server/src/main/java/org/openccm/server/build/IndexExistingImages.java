// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.openccm.attestation.Platform;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Flyway migration 11: writes the lookup keys (V10) of every image registered before the index existed, with the
 * same code that indexes new images, so that no approved image stops matching after an upgrade.
 */
@Component
class IndexExistingImages implements JavaMigration {
    private final JsonMapper json;

    IndexExistingImages(JsonMapper json) {
        this.json = json;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("11");
    }

    @Override
    public String getDescription() {
        return "index existing images by lookup key";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        var connection = context.getConnection();
        try (var select = connection.createStatement();
                ResultSet rs = select.executeQuery(
                        "SELECT id, account_id, platform, mrenclave, mrsigner, isvprodid, isvsvn, attributes FROM builds");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO build_lookup_keys (build_id, account_id, platform, lookup_key) VALUES (?,?,?,?)"
                                + " ON CONFLICT DO NOTHING")) {
            while (rs.next()) {
                Platform platform = Platform.valueOf(rs.getString("platform"));
                ImageAttributes attributes = json.readValue(rs.getString("attributes"), ImageAttributes.class);
                var values = BuildReferenceValues.of(platform, rs.getString("mrenclave"), rs.getString("mrsigner"),
                        (Integer) rs.getObject("isvprodid"), (Integer) rs.getObject("isvsvn"), attributes);
                if (values.isEmpty()) {
                    continue;
                }
                for (String key : values.get().lookupKeys()) {
                    insert.setObject(1, rs.getObject("id", UUID.class));
                    insert.setObject(2, rs.getObject("account_id", UUID.class));
                    insert.setString(3, platform.name());
                    insert.setString(4, key);
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }

}
