// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Real Azure CVM evidence (trustee's az-snp-vtpm Milan sample) over HTTP: its vTPM PCRs select the approved image
 * by the guide's PCR priority rule; an image that sets a PCR to another value is not chosen.
 */
class AzureCvmAttestationApiTest extends ApiTest {
    private static final String PCR0 = "e15c44796beabf46abcec7c57e590942041e47497e4ec27571c8b7664f48dced";
    private static final String PCR7 = "3b20e022416fdf61d72e4da32b4354781be3de0608116976d28ffdad8c341d2a";
    private static final long JUNE_2025 = Instant.parse("2025-06-01T00:00:00Z").getEpochSecond();
    private UUID app;

    @BeforeEach
    void cvmApp() {
        api.logInToNewAccount();
        app = Fixtures.createApp(api, "AZURE_CVM");
    }

    @Test
    void theVmsPcrsSelectTheApprovedImage() throws Exception {
        JsonNode image = api.post("/v1/builds", Fixtures.cvmBuild(app, "pcr0", "0x" + PCR0, "pcr7", PCR7)).expect(200).body();
        api.post("/v1/builds", Fixtures.cvmBuild(app, "pcr1", Fixtures.hex(32, 3))).expect(200);

        JsonNode pending = explain();
        assertThat(pending.path("verified").asBoolean()).as(pending.toString()).isTrue();
        assertThat(pending.at("/measured/pcr0").asString()).isEqualTo(PCR0);
        assertThat(pending.at("/decision/outcome").asString()).isEqualTo("NOT_APPROVED");

        api.patch("/v1/tasks/" + image.path("pending_task_id").asString(), Api.object().put("status", "APPROVED")).expect(200);

        JsonNode accepted = explain();
        assertThat(accepted.at("/decision/outcome").asString()).isEqualTo("ACCEPTED");
        assertThat(accepted.at("/decision/build_id").asString()).isEqualTo(image.path("build_id").asString());
    }

    @Test
    void anImageWithAnotherPcrValueIsNotChosen() throws Exception {
        JsonNode image = api.post("/v1/builds", Fixtures.cvmBuild(app, "pcr0", PCR0, "pcr7", Fixtures.hex(32, 9))).expect(200).body();
        api.patch("/v1/tasks/" + image.path("pending_task_id").asString(), Api.object().put("status", "APPROVED")).expect(200);

        JsonNode result = explain();
        assertThat(result.at("/decision/outcome").asString()).isEqualTo("NO_MATCH");
        assertThat(result.at("/decision/detail").asString()).contains("PCR[7] differ");
    }

    private JsonNode explain() throws Exception {
        ObjectNode request = Api.object().put("platform", "AZURE_CVM").put("verification_time", JUNE_2025)
                .put("evidence", Base64.getEncoder().encodeToString(
                        Files.readAllBytes(vector("azure-cvm/trustee-az-snp-vtpm-milan-evidence-v1.json"))));
        return api.post("/v1/attestation/explain", request).expect(200).body();
    }
}
