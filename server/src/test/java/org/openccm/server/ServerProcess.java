// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** OpenCCM in a process of its own, from the test's class path, logging to a file. */
public record ServerProcess(Process process, String base, Path log) {
    /** One key for every process of a test run, so a restarted server opens what the killed one sealed. */
    private static final String MASTER_KEY =
            java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static ServerProcess start(Path data, List<String> settings) throws Exception {
        return start(data, settings, java.util.Map.of());
    }

    public static ServerProcess start(Path data, List<String> settings, java.util.Map<String, String> environment) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                OpenCcmServer.class.getName(),
                "--server.port=" + port,
                "--openccm.data-dir=" + data,
                "--openccm.master-key=" + MASTER_KEY,
                "--openccm.admin.email=" + ApiTest.ADMIN_EMAIL,
                "--openccm.admin.password=" + ApiTest.ADMIN_PASSWORD,
                "--openccm.auth.max-failures-per-address=1000000",
                "--openccm.collateral.intel.base-url=off",
                "--openccm.collateral.amd.base-url=off"));
        command.addAll(settings);
        Path log = Files.createTempFile(data, "server-" + UUID.randomUUID(), ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        ServerProcess server = new ServerProcess(p, "http://127.0.0.1:" + port, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new AssertionError("the server exited with " + p.exitValue() + ":\n" + tail(log));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.base + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return server;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("the server was not ready within 300 s (a loaded machine starts slowly; the embedded database first runs initdb):\n" + tail(log));
            }
            Thread.sleep(200);
        }
    }

    /** SIGKILL: no shutdown hook, no flush, nothing graceful. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
