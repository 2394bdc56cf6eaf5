// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openccm.server.OpenCcmServer;
import org.springframework.boot.SpringApplication;

/**
 * The container image's default (OPENCCM_EMBEDDED_DB=false) without OPENCCM_DB_URL: the server must refuse to start
 * and say what to set, rather than keep its state in a container's own file system.
 */
class EmbeddedDatabaseSwitchTest {

    @Test
    void refusesToStartWithoutADatabaseUrlWhenTheEmbeddedOneIsDisabled() throws Exception {
        Path dataDir = Files.createTempDirectory("openccm-no-db");
        assertThatThrownBy(() -> SpringApplication.run(
                        OpenCcmServer.class,
                        "--openccm.data-dir=" + dataDir,
                        "--openccm.db.url=",
                        "--openccm.db.embedded=false",
                        "--server.port=0"))
                .rootCause()
                .isInstanceOf(DatabaseConfig.NoDatabaseException.class)
                .hasMessage(DatabaseConfig.NO_DATABASE)
                .hasMessageContaining("OPENCCM_DB_URL");
        // Refused before anything was written: no embedded database files, no generated master key.
        assertThat(dataDir.resolve("postgres")).doesNotExist();
        assertThat(dataDir.resolve("master.key")).doesNotExist();
    }
}
