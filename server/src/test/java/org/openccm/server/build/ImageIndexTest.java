// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.Platform;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.openccm.server.app.AdvancedSettings;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Matching goes through the lookup-key index, so there is no cap on the number of images: with 5,000 approved
 * SEV-SNP images in the account, a real report is matched to the one image created last. (Before the index, images
 * were scanned newest first up to 1,000, and an image beyond that never matched.)
 */
class ImageIndexTest extends ApiTest {
    private static final String MILAN_ACI_MEASUREMENT =
            "5feee30d6d7e1a29f403d70a4198237ddfb13051a2d6976439487c609388ed7f98189887920ab2fa0096903a0c23fca1";

    @Autowired
    private BuildRepository builds;

    @Autowired
    private TransactionTemplate transactions;

    @Test
    void theImageCreatedLastAmongFiveThousandApprovedOnesIsMatched() throws Exception {
        UUID account = api.logInToNewAccount();
        UUID app = Fixtures.createApp(api, "AMD_SEV_SNP");
        Instant earlier = Instant.now().minus(1, ChronoUnit.DAYS);
        transactions.executeWithoutResult(tx -> {
            for (int i = 0; i < 4_999; i++) {
                builds.insert(approvedSnpImage(account, app, String.format("%096x", i + 1), earlier.plusMillis(i)));
            }
        });
        ObjectNode image = Api.object().put("app_id", app.toString());
        ObjectNode snp = image.putObject("attributes").putObject("baremetal_amd_sev_snp");
        snp.put("measurement", MILAN_ACI_MEASUREMENT).put("vmpl", "vmpl0");
        snp.putArray("coprocessors");
        JsonNode last = api.post("/v1/builds", image).expect(200).body();
        api.patch("/v1/tasks/" + last.path("pending_task_id").asString(), Api.object().put("status", "APPROVED")).expect(200);
        assertThat(builds.count(account, new BuildRepository.Search(null, BuildStatus.WHITELISTED, Platform.SEV_SNP, null, 1, 0)))
                .isEqualTo(5_000);

        JsonNode e = api.post("/v1/attestation/explain", Api.object()
                        .put("platform", "SEV_SNP")
                        .put("evidence", base64("sev-snp/msft-tav-milan-aci-report.bin"))
                        .put("vcek", base64("sev-snp/msft-tav-milan-vcek.pem"))
                        .put("verification_time", Instant.parse("2026-03-01T00:00:00Z").getEpochSecond()))
                .expect(200)
                .body();

        assertThat(e.at("/decision/outcome").asString()).isEqualTo("ACCEPTED");
        assertThat(e.at("/decision/build_id").asString()).isEqualTo(last.path("build_id").asString());
        assertThat(e.at("/images/0/build_id").asString()).as("the index's one candidate comes first").isEqualTo(last.path("build_id").asString());
        assertThat(e.path("images").size()).as("the candidate and at most 20 other images for context").isLessThanOrEqualTo(21);
    }

    private static Build approvedSnpImage(UUID account, UUID app, String measurement, Instant at) {
        ImageAttributes attributes = new ImageAttributes(null, null, null, null, null,
                new ImageAttributes.BaremetalAmdSevSnp(measurement, ImageAttributes.Vmpl.vmpl0, java.util.List.of()));
        return new Build(UUID.randomUUID(), account, app, Platform.SEV_SNP, null, null, null, null, null, attributes,
                AdvancedSettings.defaults(), null, null, null, false, null, "sha256-of-" + measurement, BuildStatus.WHITELISTED, at,
                DeploymentStatus.UNDEPLOYED, at, null, null, at, at);
    }

    private static String base64(String vector) throws Exception {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(vector(vector)));
    }
}
