// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code OPENCCM_LOG_FORMAT=logstash}: a real server process writes one JSON object per line, and the lines written
 * while it answers a request carry that request's id. Logging is set up once per process, so this needs its own.
 */
class StructuredLogsTest {
    @Test
    void jsonLinesCarryTheRequestId() throws Exception {
        TestPostgres.Database db = TestPostgres.newDatabase();
        Path data = Files.createTempDirectory("openccm-json-logs");
        ServerProcess server = ServerProcess.start(
                data,
                List.of("--openccm.db.url=" + db.url(), "--openccm.db.user=" + db.user(), "--openccm.db.password=" + db.password()),
                Map.of("OPENCCM_LOG_FORMAT", "logstash", "LOGGING_LEVEL_ORG_OPENCCM_ACCESS", "debug"));
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.base() + "/v1/apps")).header("X-Request-Id", "trace-json-1").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(401);
            assertThat(Api.JSON.readTree(answer.body()).path("request_id").asString()).isEqualTo("trace-json-1");
        } finally {
            server.stop();
        }

        List<String> lines = Files.readAllLines(server.log()).stream().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).as("JSON log lines").hasSizeGreaterThan(10);
        for (String line : lines) {
            assertThat(Api.JSON.readTree(line).has("message")).as(line).isTrue();
        }
        JsonNode access = lines.stream()
                .map(Api.JSON::readTree)
                .filter(l -> "org.openccm.access".equals(l.path("logger_name").asString()))
                .filter(l -> l.path("message").asString().contains("/v1/apps 401"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no access line for GET /v1/apps in " + lines));
        assertThat(access.path("request_id").asString()).isEqualTo("trace-json-1");
        deleteTree(data);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
