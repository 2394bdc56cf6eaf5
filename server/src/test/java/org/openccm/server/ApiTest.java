// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the HTTP tests: one real server on a random port and one real PostgreSQL for the whole suite (every
 * subclass shares this configuration, so Spring starts it once). Tests isolate their data by working in accounts
 * they create themselves.
 */
@SpringBootTest(classes = OpenCcmServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiTest {
    public static final String ADMIN_EMAIL = "admin@openccm.test";
    public static final String ADMIN_PASSWORD = "first-admin-password";

    @LocalServerPort
    private int port;

    protected static final String SHARED_MASTER_KEY = java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));

    protected Api api;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestPostgres.Database db = TestPostgres.database();
        registry.add("openccm.db.url", db::url);
        registry.add("openccm.db.user", db::user);
        registry.add("openccm.db.password", db::password);
        registry.add("openccm.data-dir", ApiTest::dataDir);
        // The test servers share one database, as instances of one deployment do: they share its master key too.
        registry.add("openccm.master-key", () -> SHARED_MASTER_KEY);
        registry.add("openccm.admin.email", () -> ADMIN_EMAIL);
        registry.add("openccm.admin.password", () -> ADMIN_PASSWORD);
        registry.add("openccm.conversion.blobs-dir", ApiTest::nitroBlobs);
        registry.add("openccm.conversion.signing-key", () -> vector("eif/signer-key.pem").toString());
        registry.add("openccm.conversion.signing-certificate", () -> vector("eif/signer-cert.pem").toString());
        registry.add(
                "openccm.attestation.nitro.extra-roots",
                org.openccm.server.attestation.TestNitroEnclave::rootPemFile);
    }

    /** A blob set made of the synthetic vectors: fake kernel, init and nsm.ko, and AWS's x86_64 cmdline. */
    private static String nitroBlobs() {
        try {
            Path dir = Files.createTempDirectory("openccm-test-blobs");
            Files.copy(vector("eif/fake-kernel.bin"), dir.resolve("bzImage"));
            Files.copy(vector("eif/nitro-cli-blobs-x86_64-cmdline"), dir.resolve("cmdline"));
            Files.copy(vector("eif/fake-init"), dir.resolve("init"));
            Files.copy(vector("eif/fake-nsm.ko"), dir.resolve("nsm.ko"));
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dataDir() {
        try {
            return Files.createTempDirectory("openccm-test-data").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void connect() {
        api = new Api("http://127.0.0.1:" + port);
    }

    protected static Path vector(String relative) {
        return org.openccm.server.TestFiles.vector(relative);
    }

    /**
     * Another server in this JVM, on {@code db} (a fresh {@link TestPostgres#newDatabase()}, or the shared one to act
     * as a second instance), with its own data directory, the same first admin and master key, and {@code settings}
     * ({@code name=value}) over the suite's. Close it when done; {@link #apiOf} reaches it.
     */
    protected static org.springframework.context.ConfigurableApplicationContext anotherServer(TestPostgres.Database db, String... settings)
            throws IOException {
        java.util.Map<String, String> args = new java.util.LinkedHashMap<>();
        args.put("server.port", "0");
        args.put("openccm.db.url", db.url());
        args.put("openccm.db.user", db.user());
        args.put("openccm.db.password", db.password());
        args.put("openccm.data-dir", Files.createTempDirectory("openccm-another-server").toString());
        args.put("openccm.master-key", SHARED_MASTER_KEY);
        args.put("openccm.admin.email", ADMIN_EMAIL);
        args.put("openccm.admin.password", ADMIN_PASSWORD);
        // Any instance may run any conversion job: each needs the suite's blob set and EIF signer.
        args.put("openccm.conversion.blobs-dir", nitroBlobs());
        args.put("openccm.conversion.signing-key", vector("eif/signer-key.pem").toString());
        args.put("openccm.conversion.signing-certificate", vector("eif/signer-cert.pem").toString());
        args.put("openccm.attestation.nitro.extra-roots", org.openccm.server.attestation.TestNitroEnclave.rootPemFile());
        for (String setting : settings) {
            // A setting given twice on the command line would be read as both values joined: the test's replaces.
            args.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        return org.springframework.boot.SpringApplication.run(OpenCcmServer.class,
                args.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    protected static Api apiOf(org.springframework.context.ConfigurableApplicationContext server) {
        return new Api("http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port"));
    }
}
