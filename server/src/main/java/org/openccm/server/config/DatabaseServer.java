// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the PostgreSQL that holds OpenCCM's state lives: the one named by {@code OPENCCM_DB_URL}, or a real
 * PostgreSQL that OpenCCM starts itself from Maven Central binaries, with its files in the data directory so
 * that a restart keeps everything.
 */
public final class DatabaseServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DatabaseServer.class);
    static final String EMBEDDED_DATABASE = "openccm";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded;

    private DatabaseServer(String jdbcUrl, String user, String password, EmbeddedPostgres embedded) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    public static DatabaseServer external(String jdbcUrl, String user, String password) {
        log.info("Using the external PostgreSQL at {}", jdbcUrl);
        return new DatabaseServer(jdbcUrl, user, password, null);
    }

    public static DatabaseServer embedded(Path dataDir) {
        Path pgData = dataDir.resolve("postgres");
        try {
            Files.createDirectories(dataDir);
            long started = System.nanoTime();
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData.toFile())
                    .setCleanDataDirectory(false)
                    .start();
            createDatabaseIfMissing(pg);
            log.info(
                    "Started the embedded PostgreSQL on 127.0.0.1:{} with its files in {} ({} ms)",
                    pg.getPort(),
                    pgData.toAbsolutePath(),
                    (System.nanoTime() - started) / 1_000_000);
            return new DatabaseServer(pg.getJdbcUrl("postgres", EMBEDDED_DATABASE), "postgres", "", pg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + pgData, e);
        }
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres pg) throws IOException {
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT 1 FROM pg_database WHERE datname = '" + EMBEDDED_DATABASE + "'")) {
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + EMBEDDED_DATABASE);
            }
        } catch (SQLException e) {
            throw new IOException("cannot create database " + EMBEDDED_DATABASE, e);
        }
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
