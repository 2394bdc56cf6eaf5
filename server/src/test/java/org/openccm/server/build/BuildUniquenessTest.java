// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openccm.server.Fixtures.hex;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;

/** The guide's two uniqueness rules: ACI tags within an app, and Azure CVM PCR combinations within an account. */
class BuildUniquenessTest extends ApiTest {

    @BeforeEach
    void account() {
        api.logInToNewAccount();
    }

    @Test
    void anAciTagIsUniqueWithinItsAppAndTheConflictNamesTheExistingImage() {
        UUID app = Fixtures.createApp(api, "ACI");
        UUID other = Fixtures.createApp(api, "ACI");
        String first = api.post("/v1/builds", Fixtures.aciBuild(app, "v1")).expect(200).text("build_id");

        Api.Response again = api.post("/v1/builds", Fixtures.aciBuild(app, "v1")).expect(409);

        assertThat(again.text("field")).isEqualTo("docker_info.docker_version");
        assertThat(again.text("detail")).contains(first).contains("'v1'");
        api.post("/v1/builds", Fixtures.aciBuild(app, "v2")).expect(200);
        api.post("/v1/builds", Fixtures.aciBuild(other, "v1")).expect(200);
    }

    @Test
    void theDefaultAciTagLatestCountsAsATag() {
        UUID app = Fixtures.createApp(api, "ACI");
        api.post("/v1/builds", Fixtures.aciBuild(app, null)).expect(200);

        api.post("/v1/builds", Fixtures.aciBuild(app, "latest")).expect(409);
    }

    @Test
    void aDeletedAciImageFreesItsTag() {
        UUID app = Fixtures.createApp(api, "ACI");
        String id = api.post("/v1/builds", Fixtures.aciBuild(app, "v1")).expect(200).text("build_id");
        api.delete("/v1/builds/" + id).expect(204);

        api.post("/v1/builds", Fixtures.aciBuild(app, "v1")).expect(200);
    }

    @Test
    void twoCvmImagesOfAnAccountCannotHaveTheSamePcrCombination() {
        UUID app = Fixtures.createApp(api, "AZURE_CVM");
        UUID otherApp = Fixtures.createApp(api, "AZURE_CVM");
        String first = api.post("/v1/builds", Fixtures.cvmBuild(app, "pcr0", hex(32, 1), "pcr1", hex(32, 2)))
                .expect(200)
                .text("build_id");

        // the same values, typed differently (upper case, console prefix), in another app of the account
        Api.Response same = api.post(
                        "/v1/builds",
                        Fixtures.cvmBuild(otherApp, "pcr1", "0x" + hex(32, 2).toUpperCase(), "pcr0", hex(32, 1)))
                .expect(409);

        assertThat(same.text("field")).isEqualTo("attributes.azure_cvm.pcrs");
        assertThat(same.text("detail")).contains(first);
    }

    @Test
    void cvmImagesWithDifferentCombinationsAreAllowed() {
        UUID app = Fixtures.createApp(api, "AZURE_CVM");

        // the guide's examples: [pcr0=abc] and [pcr0=def]; [pcr0=abc] and [pcr0=abc, pcr1=xyz]
        api.post("/v1/builds", Fixtures.cvmBuild(app, "pcr0", hex(32, 1))).expect(200);
        api.post("/v1/builds", Fixtures.cvmBuild(app, "pcr0", hex(32, 2))).expect(200);
        api.post("/v1/builds", Fixtures.cvmBuild(app, "pcr0", hex(32, 1), "pcr1", hex(32, 3))).expect(200);
        api.post("/v1/builds", Fixtures.cvmBuild(app, "pcr1", hex(32, 1))).expect(200);
    }

    @Test
    void anotherAccountMayRegisterTheSamePcrs() {
        UUID app = Fixtures.createApp(api, "AZURE_CVM");
        api.post("/v1/builds", Fixtures.cvmBuild(app, "pcr4", hex(32, 4))).expect(200);

        Api other = api.as(null);
        other.logInToNewAccount();
        UUID otherApp = Fixtures.createApp(other, "AZURE_CVM");

        other.post("/v1/builds", Fixtures.cvmBuild(otherApp, "pcr4", hex(32, 4))).expect(200);
    }
}
