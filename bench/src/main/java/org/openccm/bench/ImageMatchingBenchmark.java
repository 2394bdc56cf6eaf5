// SPDX-License-Identifier: Apache-2.0
package org.openccm.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.openccm.attestation.Platform;
import org.openccm.server.app.AdvancedSettings;
import org.openccm.server.build.Build;
import org.openccm.server.build.BuildRepository;
import org.openccm.server.build.BuildStatus;
import org.openccm.server.build.DeploymentStatus;
import org.openccm.server.build.ImageAttributes;
import org.openccm.server.build.ImageMatcher;
import org.openccm.server.config.DatabaseServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * What finding the images a measurement can match costs as an account's images grow: the server's own
 * {@link ImageMatcher} over its lookup-key index, on a real PostgreSQL, with 100 and 100,000 approved SEV-SNP images.
 * The database is the one at {@code -Dopenccm.bench.db} (default: a new database in the PostgreSQL at 127.0.0.1:5432,
 * user postgres, dropped afterwards) or, when none answers, an embedded one. Setting up 100,000 images takes a
 * minute or two.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@org.openjdk.jmh.annotations.Measurement(iterations = 5, time = 2)
@Fork(1)
public class ImageMatchingBenchmark {
    @Param({"100", "100000"})
    public int images;

    private DatabaseServer server;
    private String adminUrl;
    private String database;
    private HikariDataSource dataSource;
    private ImageMatcher matcher;
    private UUID account;
    private org.openccm.attestation.Measurement.SevSnp probe;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        database = "openccm_bench_" + UUID.randomUUID().toString().replace("-", "");
        adminUrl = System.getProperty("openccm.bench.db", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String url;
        try (Connection c = DriverManager.getConnection(adminUrl, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
            url = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + database;
        } catch (java.sql.SQLException unreachable) {
            database = null;
            server = DatabaseServer.embedded(Files.createTempDirectory("openccm-bench"));
            url = server.jdbcUrl();
        }
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url);
        dataSource.setUsername(server != null ? server.user() : "postgres");
        dataSource.setPassword(server != null ? server.password() : "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();

        JsonMapper json = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        BuildRepository builds = new BuildRepository(jdbc, json);
        matcher = new ImageMatcher(builds);
        account = UUID.randomUUID();
        UUID app = UUID.randomUUID();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        jdbc.sql("INSERT INTO accounts (id, name, created_at) VALUES (?, 'bench', now())").params(account).update();
        jdbc.sql("INSERT INTO apps (id, account_id, name, app_type, created_at, updated_at) VALUES (?, ?, 'bench', 'AMD_SEV_SNP', now(), now())")
                .params(app, account)
                .update();
        new TransactionTemplate(new JdbcTransactionManager(dataSource)).executeWithoutResult(tx -> {
            for (int i = 0; i < images; i++) {
                builds.insert(image(account, app, measurement(i), now.plusMillis(i)));
            }
        });
        jdbc.sql("ANALYZE").update();
        probe = new org.openccm.attestation.Measurement.SevSnp(measurement(images / 2), 0, "00".repeat(32), "00".repeat(64), "Milan", false, 0);
        if (matcher.candidates(account, probe).size() != 1) {
            throw new IllegalStateException("the probe must match exactly one image");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        dataSource.close();
        if (server != null) {
            server.close();
        } else {
            try (Connection c = DriverManager.getConnection(adminUrl, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE " + database);
            }
        }
    }

    @Benchmark
    public List<ImageMatcher.Considered> findTheMatchingImage() {
        return matcher.candidates(account, probe);
    }

    private static String measurement(int i) {
        return String.format("%096x", i + 1);
    }

    private static Build image(UUID account, UUID app, String measurement, Instant at) {
        ImageAttributes attributes = new ImageAttributes(null, null, null, null, null,
                new ImageAttributes.BaremetalAmdSevSnp(measurement, ImageAttributes.Vmpl.vmpl0, List.of()));
        return new Build(UUID.randomUUID(), account, app, Platform.SEV_SNP, null, null, null, null, null, attributes,
                AdvancedSettings.defaults(), null, null, null, false, null, "bench-" + measurement, BuildStatus.WHITELISTED, at,
                DeploymentStatus.UNDEPLOYED, at, null, null, at, at);
    }
}
