// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * The real PostgreSQL the suite runs against: the machine's at 127.0.0.1:5432 when it answers (CI has it, trust
 * auth), otherwise an embedded PostgreSQL started here. Either way the suite gets a database of its own, dropped
 * when the JVM exits, so runs never see each other's rows.
 */
public final class TestPostgres {
    public record Database(String url, String user, String password, String where) {}

    private static Database database;
    private static EmbeddedPostgres embedded;

    private TestPostgres() {}

    public static synchronized Database database() {
        if (database == null) {
            database = create();
        }
        return database;
    }

    /** A second, empty database on the same PostgreSQL: for a test that needs a server of its own. */
    public static synchronized Database newDatabase() {
        Database first = database();
        String name = "openccm_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(first.url(), first.user(), first.password())) {
            createDatabase(c, name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a second test database", e);
        }
        String url = first.url().substring(0, first.url().lastIndexOf('/') + 1) + name
                + (first.url().contains("?") ? first.url().substring(first.url().indexOf('?')) : "");
        return new Database(url, first.user(), first.password(), first.where() + " (and " + name + ")");
    }

    private static Database create() {
        String name = "openccm_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String local = "jdbc:postgresql://127.0.0.1:5432/";
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection(local + "postgres", props)) {
            createDatabase(c, name);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(local + "postgres", props, name)));
            return new Database(local + name, "postgres", "", "PostgreSQL at 127.0.0.1:5432, database " + name);
        } catch (SQLException notThere) {
            System.err.println("[openccm tests] no PostgreSQL at 127.0.0.1:5432 (" + notThere.getMessage()
                    + "); starting an embedded PostgreSQL");
        }
        try {
            embedded = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temporary data directory goes with it
                }
            }));
            try (Connection c = embedded.getPostgresDatabase().getConnection()) {
                createDatabase(c, name);
            }
            return new Database(
                    embedded.getJdbcUrl("postgres", name), "postgres", "", "embedded PostgreSQL, database " + name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an embedded PostgreSQL", e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database", e);
        }
    }

    private static void createDatabase(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    private static void drop(String url, Properties props, String name) {
        try (Connection c = DriverManager.getConnection(url, props);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("[openccm tests] could not drop " + name + ": " + e.getMessage());
        }
    }
}
