// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import tools.jackson.databind.node.ObjectNode;

/**
 * An ACI image's identity is SHA-256 of its policy, which ACI puts into the SEV-SNP report's HOST_DATA. The real
 * policies of testdata hash to the HOST_DATA of the real reports (asserted in SnpVerifierTest).
 */
class AciPolicyBindingTest extends ApiTest {
    private UUID app;

    @BeforeEach
    void aciApp() {
        api.logInToNewAccount();
        app = Fixtures.createApp(api, "ACI");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "aci-policy/csc-security-context-2023/security-policy-base64, 4f4448c67f3c8dfc8de8a5e37125d807dadcc41f06cf23f615dbd52eec777d10",
        "aci-policy/csc-aci-evidence-2023/security-policy.base64, cadd74f71ebb8fbf9782baab649612520f3c416bc5ce9ac768808ddc8d9b031c",
        "aci-policy/caciexamples-attestation-policy.base64, d008d2d9ed5fc26b7ac8646caf488bf7beddb6a43677ae5de6c52585e2f8e6bc",
        "aci-policy/ccf-allow-all-ccePolicy.base64, 73973b78d70cc68353426de188db5dfc57e5b766e399935fb73a61127ea26d20"
    })
    void theImagesIdentityIsTheHostDataOfItsReports(String policyFile, String hostData) throws Exception {
        String policy = Files.readString(vector(policyFile)).trim();
        ObjectNode image = Fixtures.aciBuild(app, "v-" + UUID.randomUUID().toString().substring(0, 8));
        image.putObject("attributes").putObject("aci").put("policy", policy);

        String task = api.post("/v1/builds", image).expect(200).text("pending_task_id");

        assertThat(api.get("/v1/tasks/" + task).expect(200).text("subject")).contains("host_data=" + hostData + "\n");
    }
}
