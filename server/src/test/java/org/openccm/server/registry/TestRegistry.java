// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * A real OCI registry on loopback for the tests: Debian's docker-registry, started once per JVM with htpasswd
 * authentication and storage in a temporary directory. Outside CI a machine without it skips these tests, saying
 * so; under CI=true its absence fails them (.ci/run installs it).
 */
public final class TestRegistry {
    public static final String USER = "openccm-test";
    public static final String PASSWORD = "registry-test-password";
    private static String host;

    private TestRegistry() {}

    /** host:port of the running registry. */
    public static synchronized String host() {
        if (host == null) {
            host = start();
        }
        return host;
    }

    private static String start() {
        Path binary = Path.of("/usr/bin/docker-registry");
        if (!Files.isExecutable(binary)) {
            String why = "Debian's docker-registry is not installed (apt-get install docker-registry); registry tests cannot run";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            System.err.println("[openccm tests] SKIPPING: " + why);
            abort(why);
        }
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path dir = Files.createTempDirectory("openccm-test-registry");
            Files.writeString(dir.resolve("htpasswd"), USER + ":" + new BCryptPasswordEncoder().encode(PASSWORD) + "\n");
            Files.writeString(dir.resolve("config.yml"), """
                    version: 0.1
                    log:
                      level: warn
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                    http:
                      addr: 127.0.0.1:%d
                    auth:
                      htpasswd:
                        realm: openccm-test
                        path: %s
                    """.formatted(dir.resolve("data"), port, dir.resolve("htpasswd")));
            Process process = new ProcessBuilder(binary.toString(), "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            HttpClient http = HttpClient.newHttpClient();
            Instant deadline = Instant.now().plusSeconds(20);
            while (Instant.now().isBefore(deadline)) {
                try {
                    HttpResponse<Void> r = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 401) {
                        return "127.0.0.1:" + port;
                    }
                } catch (IOException notYet) {
                    // still starting
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
                }
                Thread.onSpinWait();
            }
            throw new IllegalStateException("docker-registry did not answer within 20 s");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start docker-registry", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
