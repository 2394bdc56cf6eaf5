// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A real server process killed with SIGKILL in the middle of a stream of writes: every write it acknowledged is
 * there when it comes back, on an external PostgreSQL and on the embedded one (whose own processes outlive the
 * killed server and must not stop it from starting again).
 */
class KillNineTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void noAcknowledgedWriteIsLostOnAnExternalDatabase() throws Exception {
        TestPostgres.Database db = TestPostgres.newDatabase();
        Path data = Files.createTempDirectory("openccm-kill9");
        List<String> settings = List.of("--openccm.db.url=" + db.url(), "--openccm.db.user=" + db.user(), "--openccm.db.password=" + db.password());
        killDuringWritesThenCheck(data, settings);
    }

    @Test
    void aServerOnTheEmbeddedDatabaseComesBackAfterKillNineWithEveryAcknowledgedWrite() throws Exception {
        Path data = Files.createTempDirectory("openccm-kill9-embedded");
        killDuringWritesThenCheck(data, List.of());
    }

    private void killDuringWritesThenCheck(Path data, List<String> settings) throws Exception {
        ServerProcess first = ServerProcess.start(data, settings);
        Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        String token;
        try {
            token = logIn(first.base());
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Thread> writers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String bearer = token;
                writers.add(Thread.ofVirtual().start(() -> {
                    while (writing.get()) {
                        try {
                            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(first.base() + "/v1/apps"))
                                            .header("Authorization", "Bearer " + bearer)
                                            .header("Content-Type", "application/json")
                                            .timeout(Duration.ofSeconds(5))
                                            .POST(HttpRequest.BodyPublishers.ofString(Fixtures.app("EDP-NITRO").toString()))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                acknowledged.add(Api.JSON.readTree(r.body()).path("app_id").asString());
                            }
                        } catch (IOException e) {
                            // the server is gone: what it acknowledged so far is what must survive
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (acknowledged.size() < 150 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            first.kill9();
            writing.set(false);
            for (Thread w : writers) {
                w.join();
            }
        } finally {
            first.kill9();
        }
        assertThat(acknowledged).as("writes acknowledged before the kill").hasSizeGreaterThanOrEqualTo(150);

        ServerProcess second = ServerProcess.start(data, settings);
        try {
            String again = logIn(second.base());
            for (String id : acknowledged) {
                assertThat(get(second.base(), again, "/v1/apps/" + id).statusCode()).as("acknowledged app %s", id).isEqualTo(200);
            }
            JsonNode audit = Api.JSON.readTree(get(second.base(), again, "/v1/audit/verify").body());
            assertThat(audit.path("valid").asBoolean()).as("audit chain after the kill: %s", audit).isTrue();
            assertThat(token).as("a token issued before the kill is still honoured").satisfies(t ->
                    assertThat(get(second.base(), t, "/v1/user").statusCode()).isEqualTo(200));
        } finally {
            second.stop();
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String logIn(String base) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString((ApiTest.ADMIN_EMAIL + ":" + ApiTest.ADMIN_PASSWORD).getBytes());
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/sys/auth"))
                .header("Authorization", "Basic " + basic).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Api.JSON.readTree(r.body()).path("access_token").asString();
    }

    private static HttpResponse<String> get(String base, String token, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
