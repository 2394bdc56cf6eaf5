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
 * Real ACI evidence (microsoft/confidential-sidecar-containers) against an ACI image registered with the policy
 * the sidecar ran under: verified (AMD chain, Microsoft's UVM endorsement) and matched by HOST_DATA, only once the
 * image is approved; at today's clock the archived endorsement has expired and the evidence is refused.
 */
class AciAttestationApiTest extends ApiTest {
    private static final String DIR = "aci-policy/csc-aci-evidence-2023/";
    private static final long JUNE_2023 = Instant.parse("2023-06-01T00:00:00Z").getEpochSecond();
    private UUID app;

    @BeforeEach
    void aciApp() {
        api.logInToNewAccount();
        app = Fixtures.createApp(api, "ACI");
    }

    @Test
    void theEvidenceMatchesTheImageOfItsPolicyOnceApproved() throws Exception {
        ObjectNode image = Fixtures.aciBuild(app, "sidecar-2023");
        image.putObject("attributes").putObject("aci").put("policy", Files.readString(vector(DIR + "security-policy.base64")).trim());
        JsonNode created = api.post("/v1/builds", image).expect(200).body();

        JsonNode pending = explain(JUNE_2023);
        assertThat(pending.path("verified").asBoolean()).as(pending.toString()).isTrue();
        assertThat(pending.at("/measured/host_data").asString()).isEqualTo("cadd74f71ebb8fbf9782baab649612520f3c416bc5ce9ac768808ddc8d9b031c");
        assertThat(pending.at("/measured/uvm_launch_measurement").asString()).isEqualTo(pending.at("/measured/measurement").asString());
        assertThat(pending.at("/decision/outcome").asString()).isEqualTo("NOT_APPROVED");

        api.patch("/v1/tasks/" + created.path("pending_task_id").asString(), Api.object().put("status", "APPROVED")).expect(200);

        JsonNode accepted = explain(JUNE_2023);
        assertThat(accepted.at("/decision/outcome").asString()).isEqualTo("ACCEPTED");
        assertThat(accepted.at("/decision/build_id").asString()).isEqualTo(created.path("build_id").asString());
    }

    @Test
    void anotherPolicyDoesNotMatch() throws Exception {
        ObjectNode image = Fixtures.aciBuild(app, "allow-all");
        image.putObject("attributes").putObject("aci").put("policy", Files.readString(vector("aci-policy/ccf-allow-all-ccePolicy.base64")).trim());
        api.post("/v1/builds", image).expect(200);

        JsonNode result = explain(JUNE_2023);
        assertThat(result.at("/decision/outcome").asString()).isEqualTo("NO_MATCH");
        assertThat(result.at("/images/0/why").asString()).startsWith("host_data differs");
    }

    @Test
    void atTodaysClockTheArchivedEndorsementHasExpired() throws Exception {
        JsonNode result = explain(null);
        assertThat(result.path("verified").asBoolean()).isFalse();
        assertThat(result.path("reason").asString()).isEqualTo("EXPIRED");
        assertThat(result.path("field").asString()).startsWith("reference_info");
    }

    private JsonNode explain(Long at) throws Exception {
        ObjectNode evidence = Api.object()
                .put("snp_report", b64(DIR + "snp_report.bin"))
                .put("reference_info", b64(DIR + "uvm-reference-info.cose"))
                .put("host_amd_cert", b64(DIR + "host-amd-cert.json"));
        ObjectNode request = Api.object().put("platform", "ACI")
                .put("evidence", Base64.getEncoder().encodeToString(evidence.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        if (at != null) {
            request.put("verification_time", at);
        }
        return api.post("/v1/attestation/explain", request).expect(200).body();
    }

    private static String b64(String vector) throws Exception {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(vector(vector)));
    }
}
