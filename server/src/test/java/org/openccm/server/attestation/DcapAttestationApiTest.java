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
 * Real DCAP quotes with Intel's collateral over HTTP: a TDX quote at an accepted TCB matches the approved TDX image
 * of its MRTD and RTMRs; an SGX quote whose platform needs configuration and software hardening is refused by the
 * default TCB policy, naming the status and advisories; a quote without collateral is refused naming the field.
 */
class DcapAttestationApiTest extends ApiTest {
    private static final long JULY_2025 = Instant.parse("2025-07-01T00:00:00Z").getEpochSecond();

    @BeforeEach
    void account() {
        api.logInToNewAccount();
    }

    @Test
    void aTdxQuoteMatchesTheApprovedImageOfItsMeasurements() throws Exception {
        UUID app = Fixtures.createApp(api, "TDX");
        ObjectNode image = Fixtures.tdxBuild(app);
        ObjectNode tdx = (ObjectNode) image.at("/attributes/baremetal_tdx");
        tdx.put("mrtd", "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7")
                .put("rtmr0", "44c0197b39157fdd7a4dcc44767f9d6b0bb3977c7a8e347b8492f827fe9d9e5c48aca29b220b80b6a540cf994b9bc9c0")
                .put("rtmr1", "0084452c01668329d4bc06acdf58a7205c26743304509973949e5619bf81a6a7aea8c323c173019b3093d54e579e9378")
                .put("rtmr2", "d833feef2cd945148aa38ead2c53e9b7f138190aaaebfc551dccd829fc207aa3ba80b70870d7330733642e01d48c3132")
                .put("rtmr3", "0".repeat(96));
        JsonNode created = api.post("/v1/builds", image).expect(200).body();
        api.patch("/v1/tasks/" + created.path("pending_task_id").asString(), Api.object().put("status", "APPROVED")).expect(200);

        JsonNode result = explain("TDX", "tdx/phala-tdx-v4-quote.bin", "tdx/phala-tdx-v4-collateral.json");

        assertThat(result.path("verified").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.at("/measured/tcb_status").asString()).isEqualTo("UpToDate");
        assertThat(result.at("/decision/outcome").asString()).isEqualTo("ACCEPTED");
        assertThat(result.at("/decision/build_id").asString()).isEqualTo(created.path("build_id").asString());
    }

    @Test
    void anSgxPlatformBelowTheAcceptedTcbIsRefusedWithItsAdvisories() throws Exception {
        JsonNode result = explain("SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "sgx-dcap/phala-sgx-v3-collateral.json");

        assertThat(result.path("verified").asBoolean()).isFalse();
        assertThat(result.path("reason").asString()).isEqualTo("TCB");
        assertThat(result.path("field").asString()).isEqualTo("tcb_status");
        assertThat(result.path("detail").asString()).contains("ConfigurationAndSWHardeningNeeded", "INTEL-SA-00615");
    }

    @Test
    void aQuoteWithoutCollateralIsRefusedNamingTheField() throws Exception {
        ObjectNode request = Api.object().put("platform", "TDX").put("verification_time", JULY_2025)
                .put("evidence", b64("tdx/phala-tdx-v4-quote.bin"));
        JsonNode result = api.post("/v1/attestation/explain", request).expect(200).body();
        assertThat(result.path("verified").asBoolean()).isFalse();
        assertThat(result.path("field").asString()).isEqualTo("collateral");
    }

    @Test
    void aTdxQuoteIsNotAnSgxQuote() throws Exception {
        JsonNode result = explain("SGX", "tdx/phala-tdx-v4-quote.bin", "tdx/phala-tdx-v4-collateral.json");
        assertThat(result.path("verified").asBoolean()).isFalse();
        assertThat(result.path("field").asString()).isEqualTo("evidence");
    }

    private JsonNode explain(String platform, String quote, String collateral) throws Exception {
        ObjectNode request = Api.object().put("platform", platform).put("verification_time", JULY_2025)
                .put("evidence", b64(quote))
                .put("collateral", Files.readString(vector(collateral)));
        return api.post("/v1/attestation/explain", request).expect(200).body();
    }

    private static String b64(String vector) throws Exception {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(vector(vector)));
    }
}
