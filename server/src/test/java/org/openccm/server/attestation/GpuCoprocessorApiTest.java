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
 * An SEV-SNP image with an NVIDIA GPU coprocessor, attested with a real Genoa report and real H100 evidence: Ignored
 * needs the GPU data present; Required verifies it and compares it with NVIDIA-signed RIMs, and the RIMs at hand
 * (a VBIOS RIM for this GPU, a test driver RIM for another driver) are refused naming the versions.
 */
class GpuCoprocessorApiTest extends ApiTest {
    private static final String MEASUREMENT = "f57dc09a507c6ecd82369bffb600f0003792f4d99bc26e985ec0c266fc34faf3706faf814c9e61065768a6ff917c89ae";
    private static final long JUNE_2025 = Instant.parse("2025-06-01T00:00:00Z").getEpochSecond();
    private UUID app;

    @BeforeEach
    void snpApp() {
        api.logInToNewAccount();
        app = Fixtures.createApp(api, "AMD_SEV_SNP");
    }

    @Test
    void ignoredNeedsTheGpuDataPresentOnly() throws Exception {
        approvedImage("Ignored");

        JsonNode without = explain(null);
        assertThat(without.at("/decision/outcome").asString()).as(without.toString()).isEqualTo("COPROCESSOR_REFUSED");
        assertThat(without.at("/decision/detail").asString()).startsWith("gpu.evidence");

        JsonNode with = explain(gpu(false, false));
        assertThat(with.at("/decision/outcome").asString()).isEqualTo("ACCEPTED");
    }

    @Test
    void requiredComparesTheGpuWithItsRims() throws Exception {
        approvedImage("Required");

        JsonNode noRims = explain(gpu(true, false));
        assertThat(noRims.at("/decision/outcome").asString()).isEqualTo("COPROCESSOR_REFUSED");
        assertThat(noRims.at("/decision/detail").asString()).startsWith("gpu.rims")
                .contains("NV_GPU_DRIVER_GH100_580.95.05", "NV_GPU_VBIOS_1010_0200_882_960074001A", "neither in the evidence nor to be had from NVIDIA's RIM service");

        JsonNode otherDriver = explain(gpu(true, true));
        assertThat(otherDriver.at("/decision/outcome").asString()).isEqualTo("COPROCESSOR_REFUSED");
        assertThat(otherDriver.at("/decision/detail").asString()).contains("the GPU runs driver 580.95.05");
    }

    @Test
    void requiredRefusesABrokenDeviceChain() throws Exception {
        approvedImage("Required");
        ObjectNode gpu = gpu(true, false);
        gpu.put("certificate_chain", Files.readString(vector("nvidia-gpu/negative/trustee-chain-root-only.pem")));

        JsonNode result = explain(gpu);
        assertThat(result.at("/decision/outcome").asString()).isEqualTo("COPROCESSOR_REFUSED");
        assertThat(result.at("/decision/detail").asString()).startsWith("gpu.");
    }

    private void approvedImage(String attestation) {
        ObjectNode image = Api.object().put("app_id", app.toString());
        ObjectNode snp = image.putObject("attributes").putObject("baremetal_amd_sev_snp");
        snp.put("measurement", MEASUREMENT).put("vmpl", "vmpl0");
        snp.putArray("coprocessors").addObject().put("attestation", attestation).put("gpu_vendor", "Nvidia");
        JsonNode created = api.post("/v1/builds", image).expect(200).body();
        api.patch("/v1/tasks/" + created.path("pending_task_id").asString(), Api.object().put("status", "APPROVED")).expect(200);
    }

    private ObjectNode gpu(boolean chain, boolean rims) throws Exception {
        ObjectNode gpu = Api.object().put("evidence", Files.readString(vector("nvidia-gpu/trustee-hopper-coco-report1.hex")).trim());
        if (chain) {
            gpu.put("certificate_chain", Files.readString(vector("nvidia-gpu/trustee-hopper-coco-certs1.pem")));
        }
        if (rims) {
            gpu.putArray("rims")
                    .add(Files.readString(vector("nvidia-gpu/rim-driver-545.00-test_no_gpu.swidtag")))
                    .add(Files.readString(vector("nvidia-gpu/rim-vbios-1010_0200_882_960074001A_PROD.swidtag")));
        }
        return gpu;
    }

    private JsonNode explain(ObjectNode gpu) throws Exception {
        ObjectNode request = Api.object().put("platform", "SEV_SNP").put("verification_time", JUNE_2025)
                .put("evidence", Base64.getEncoder().encodeToString(Files.readAllBytes(vector("azure-cvm/derived/genoa-snp-report.bin"))))
                .put("vcek", Files.readString(vector("azure-cvm/derived/genoa-vcek.pem")));
        if (gpu != null) {
            request.set("gpu", gpu);
        }
        return api.post("/v1/attestation/explain", request).expect(200).body();
    }
}
