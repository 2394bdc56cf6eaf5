// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;

/** Liveness, readiness and Prometheus metrics with attestations counted by operation, platform and outcome. */
class OperationsTest extends ApiTest {
    @Test
    void probesAnswerWithoutATokenAndAttestationsAreCountedByOutcome() throws Exception {
        Api.Response live = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/actuator/health/liveness")).GET());
        Api.Response ready = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/actuator/health/readiness")).GET());
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.body().path("status").asString()).isEqualTo("UP");
        assertThat(ready.body().path("status").asString()).as("migrated and the database answers").isEqualTo("UP");

        api.logInToNewAccount();
        List<String> pcrs = List.of(Fixtures.hex(48, 71), Fixtures.hex(48, 72), Fixtures.hex(48, 73));
        Fixtures.approvedNitroImage(api, Fixtures.approvedNitroApp(api, "metrics.example.com"), pcrs);
        Fixtures.attestedNitroWorkload(api, pcrs);
        api.post("/v1/attestation/explain", Api.object().put("platform", "NITRO")
                .put("evidence", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}))).expect(200);

        String metrics = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/actuator/prometheus")).GET()).raw().body();
        assertThat(metrics).contains("openccm_attestation_seconds_count{operation=\"attest\",outcome=\"ACCEPTED\",platform=\"NITRO\"}")
                .contains("openccm_attestation_seconds_count{operation=\"explain\",outcome=\"MALFORMED\",platform=\"NITRO\"}")
                .contains("openccm_attestation_seconds_bucket{operation=\"attest\"")
                .contains("http_server_requests_seconds_count");
    }

    @Test
    void everyAnswerCarriesARequestIdThatItsErrorBodyRepeats() throws Exception {
        Api.Response fresh = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/v1/apps")).GET());
        Api.Response carried = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/v1/apps"))
                .header("X-Request-Id", "proxy-4711.a")
                .GET());
        Api.Response forged = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/v1/builds/" + "x".repeat(3000)))
                .header("X-Request-Id", "evil id with spaces")
                .GET());

        String id = fresh.raw().headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(fresh.status()).isEqualTo(401);
        assertThat(id).matches("[0-9a-f]{24}");
        assertThat(fresh.body().path("request_id").asString()).isEqualTo(id);
        assertThat(carried.raw().headers().firstValue("X-Request-Id")).hasValue("proxy-4711.a");
        assertThat(carried.body().path("request_id").asString()).isEqualTo("proxy-4711.a");
        // An id that could forge a log line is replaced, also on an answer the edge gives before any controller.
        assertThat(forged.status()).isEqualTo(414);
        assertThat(forged.body().path("request_id").asString())
                .matches("[0-9a-f]{24}")
                .isEqualTo(forged.raw().headers().firstValue("X-Request-Id").orElseThrow());
        String metrics = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/actuator/prometheus")).GET()).raw().body();
        assertThat(metrics).contains("openccm_conversion_jobs_running");
    }
}
