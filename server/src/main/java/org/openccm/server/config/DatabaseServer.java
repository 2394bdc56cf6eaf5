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
            if (holdDataDirectory(dataDir)) {
                stopOrphanedPostmaster(pgData);
            }
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

    // Held until this process ends, however it ends: the OS releases them even after kill -9.
    private static final java.util.Map<Path, java.nio.channels.FileLock> DATA_DIRECTORY_LOCKS = new java.util.HashMap<>();

    /**
     * Refuses a second OpenCCM process on the same embedded database. True when this call took the lock, which
     * proves that a postmaster running on the directory is an orphan; false when this process held it already
     * (a second application context in one JVM, as tests start), whose postmaster may be its own.
     */
    private static synchronized boolean holdDataDirectory(Path dataDir) throws IOException {
        Path key = dataDir.toAbsolutePath().normalize();
        if (DATA_DIRECTORY_LOCKS.containsKey(key)) {
            return false;
        }
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dataDir.resolve("openccm.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("another OpenCCM is running on the data directory " + dataDir.toAbsolutePath()
                    + "; several instances need a shared external PostgreSQL (OPENCCM_DB_URL)");
        }
        DATA_DIRECTORY_LOCKS.put(key, lock);
        return true;
    }

    /**
     * The embedded PostgreSQL runs in processes of its own that outlive an OpenCCM killed without a chance to stop
     * them (kill -9, OOM killer, power-off of a container's main process): its postmaster still holds the data
     * directory, and a new one cannot start. With the data directory lock held, such a postmaster belongs to no
     * one: stop it, and the new start recovers from its write-ahead log as after any crash.
     */
    private static void stopOrphanedPostmaster(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException e) {
            return; // unreadable: PostgreSQL judges its own lock file
        }
        java.util.Optional<ProcessHandle> postmaster = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (postmaster.isEmpty()) {
            return; // a stale file: PostgreSQL replaces it itself
        }
        log.warn("The embedded PostgreSQL (pid {}) outlived the previous OpenCCM on this data directory: stopping it", pid);
        ProcessHandle p = postmaster.get();
        p.destroy(); // SIGTERM: its clients died with the old server, so it shuts down at once
        try {
            p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("The orphaned PostgreSQL (pid {}) did not stop within 30 s: killing it; the next start recovers from its log", pid);
            p.destroyForcibly();
            p.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned PostgreSQL " + pid, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e);
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
