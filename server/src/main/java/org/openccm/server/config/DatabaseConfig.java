// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DatabaseConfig {
    static final String NO_DATABASE = "No database configured: set OPENCCM_DB_URL (with OPENCCM_DB_USER and"
            + " OPENCCM_DB_PASSWORD) to an external PostgreSQL, e.g. jdbc:postgresql://db:5432/openccm; the embedded"
            + " database is disabled (OPENCCM_EMBEDDED_DB=false)";

    /** Reported by {@link NoDatabaseFailureAnalyzer} as one message instead of a stack trace of bean creation. */
    static final class NoDatabaseException extends IllegalStateException {
        NoDatabaseException() {
            super(NO_DATABASE);
        }
    }

    @Bean(destroyMethod = "close")
    DatabaseServer databaseServer(
            @Value("${openccm.db.url}") String url,
            @Value("${openccm.db.user}") String user,
            @Value("${openccm.db.password}") String password,
            @Value("${openccm.data-dir}") Path dataDir,
            @Value("${openccm.db.embedded}") boolean embeddedAllowed) {
        if (!url.isBlank()) {
            return DatabaseServer.external(url, user, password);
        }
        // The container image switches the embedded database off: a replica that quietly kept its state in its own
        // file system would lose it on restart and share nothing with the other replicas.
        if (!embeddedAllowed) {
            throw new NoDatabaseException();
        }
        return DatabaseServer.embedded(dataDir);
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(DatabaseServer server) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(server.jdbcUrl());
        ds.setUsername(server.user());
        ds.setPassword(server.password());
        ds.setPoolName("openccm");
        ds.setMaximumPoolSize(10);
        return ds;
    }
}
