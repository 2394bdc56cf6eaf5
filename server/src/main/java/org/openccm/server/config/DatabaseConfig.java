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

    @Bean(destroyMethod = "close")
    DatabaseServer databaseServer(
            @Value("${openccm.db.url}") String url,
            @Value("${openccm.db.user}") String user,
            @Value("${openccm.db.password}") String password,
            @Value("${openccm.data-dir}") Path dataDir) {
        return url.isBlank() ? DatabaseServer.embedded(dataDir) : DatabaseServer.external(url, user, password);
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
