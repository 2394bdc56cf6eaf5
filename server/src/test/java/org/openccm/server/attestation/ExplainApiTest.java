// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
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

/** The real Nitro and SEV-SNP samples through /v1/attestation/explain, at the clocks SOURCES.md records. */
class ExplainApiTest extends ApiTest {
    private static final String EVERVAULT_PCR0 =
            "f4d48b81a460c9916d1e685119074bf24660afd3e34fae9fca0a0d28d9d5599936332687e6f66fc890ac8cf150142d8b";
    private static final String EVERVAULT_PCR1 =
            "bcdf05fefccaa8e55bf2c8d6dee9e79bbff31e34bf28a99aa19e6b29c37ee80b214a414b7607236edf26fcb78654e63f";
    private static final String EVERVAULT_PCR2 =
            "d8f114da658de5481f8d9ec73907feb553560787522f705c92d7d96beed8e15e2aa611984e098c576832c292e8dc469a";
    private static final String ACI_MEASUREMENT =
            "5feee30d6d7e1a29f403d70a4198237ddfb13051a2d6976439487c609388ed7f98189887920ab2fa0096903a0c23fca1";

    @BeforeEach
    void account() {
        api.logInToNewAccount();
    }

    @Test
    void aRealNitroDocumentIsVerifiedAndMatchedToItsApprovedImage() {
        UUID app = Fixtures.createApp(api, "EDP-NITRO");
        ObjectNode image = Api.object().put("app_id", app.toString());
        image.putObject("attributes").putObject("nitro_enclave").put("hash_algorithm", "Sha384")
                .put("pcr0", EVERVAULT_PCR0).put("pcr1", EVERVAULT_PCR1).put("pcr2", EVERVAULT_PCR2);
        JsonNode build = api.post("/v1/builds", image).expect(200).body();
        api.post("/v1/builds", Fixtures.nitroBuild(app, 7)).expect(200);
        api.patch("/v1/tasks/" + build.path("pending_task_id").asString(), Api.object().put("status", "APPROVED"))
                .expect(200);

        JsonNode e = explain("NITRO", "nitro/evervault-2022-10-13-nondebug.cbor", null, "2022-10-13T10:00:00Z");

        assertThat(e.path("verified").asBoolean()).isTrue();
        assertThat(e.at("/measured/pcr0").asString()).isEqualTo(EVERVAULT_PCR0);
        assertThat(e.at("/measured/pcr8").asString()).startsWith("8790eb3cce6c83d0");
        assertThat(e.at("/decision/outcome").asString()).isEqualTo("ACCEPTED");
        assertThat(e.at("/decision/build_id").asString()).isEqualTo(build.path("build_id").asString());
        assertThat(e.path("images")).hasSize(2);
        assertThat(e.path("images").toString()).contains("pcr0 differs");
        assertThat(api.get("/v1/certificates").expect(200).body().path("items")).as("explain issues nothing").isEmpty();
    }

    @Test
    void everyRealNitroSampleVerifiesAtItsClock() {
        assertThat(explain("NITRO", "nitro/evervault-2023-01-18-nondebug-from-san.cbor", null, "2023-01-18T14:00:00Z")
                        .path("verified").asBoolean())
                .isTrue();
        for (String[] debug : new String[][] {
            {"nitro/evervault-2022-10-12-debug-userdata.cbor", "2022-10-12T15:00:00Z"},
            {"nitro/evervault-2023-09-18-debug.cbor", "2023-09-18T16:00:00Z"},
            {"nitro/fortanix-2021-09-09-debug.cbor", "2021-09-09T11:00:00Z"}
        }) {
            JsonNode e = explain("NITRO", debug[0], null, debug[1]);
            assertThat(e.path("verified").asBoolean()).as(debug[0]).isFalse();
            assertThat(e.path("reason").asString()).as(debug[0] + " is genuine but in debug mode").isEqualTo("DEBUG");
        }
    }

    @Test
    void explainNamesTheFailedCheckOfBadEvidence() {
        JsonNode tampered = explain("NITRO", "nitro/negative/fortanix-tampered-signature.cbor", null, "2021-09-09T11:00:00Z");
        JsonNode late = explain("NITRO", "nitro/evervault-2022-10-13-nondebug.cbor", null, "2022-10-14T10:00:00Z");

        assertThat(tampered.path("reason").asString()).isEqualTo("SIGNATURE");
        assertThat(late.path("reason").asString()).isEqualTo("EXPIRED");
        assertThat(late.path("field").asString()).isEqualTo("certificate");
    }

    @Test
    void realSevSnpReportsAreVerifiedAndComparedWithTheImages() {
        UUID app = Fixtures.createApp(api, "AMD_SEV_SNP");
        ObjectNode image = Api.object().put("app_id", app.toString());
        ObjectNode snp = image.putObject("attributes").putObject("baremetal_amd_sev_snp");
        snp.put("measurement", ACI_MEASUREMENT).put("vmpl", "vmpl0");
        snp.putArray("coprocessors");
        String pending = api.post("/v1/builds", image).expect(200).text("build_id");

        JsonNode milan = explain("SEV_SNP", "sev-snp/msft-tav-milan-aci-report.bin", "sev-snp/msft-tav-milan-vcek.pem", "2026-03-01T00:00:00Z");
        JsonNode genoa = explain("SEV_SNP", "sev-snp/msft-tav-genoa-aci-report.bin", "sev-snp/msft-tav-genoa-vcek.pem", "2026-03-01T00:00:00Z");
        JsonNode turin = explain("SEV_SNP", "sev-snp/msft-tav-turin-aci-report.bin", "sev-snp/msft-tav-turin-vcek.pem", "2026-03-01T00:00:00Z");
        JsonNode vlek = explain("SEV_SNP", "sev-snp/trustee-milan-vlek-aws-report.bin", "sev-snp/trustee-milan-vlek-aws.der", "2025-06-01T00:00:00Z");

        assertThat(milan.path("verified").asBoolean()).isTrue();
        assertThat(milan.at("/measured/measurement").asString()).isEqualTo(ACI_MEASUREMENT);
        assertThat(milan.at("/measured/host_data").asString()).startsWith("4f4448c67f3c8dfc");
        assertThat(milan.at("/decision/outcome").asString()).isEqualTo("NOT_APPROVED");
        assertThat(milan.at("/decision/build_id").asString()).isEqualTo(pending);
        assertThat(genoa.at("/measured/product").asString()).isEqualTo("Genoa");
        assertThat(genoa.at("/decision/outcome").asString()).isEqualTo("NOT_APPROVED");
        assertThat(turin.at("/measured/product").asString()).isEqualTo("Turin");
        assertThat(turin.at("/decision/outcome").asString()).isEqualTo("NO_MATCH");
        assertThat(vlek.at("/measured/signing_key").asString()).isEqualTo("VLEK");
        assertThat(vlek.at("/measured/vmpl").asString()).isEqualTo("vmpl1");
    }

    @Test
    void aVcekOfAnotherChipIsNamed() {
        JsonNode e = explain(
                "SEV_SNP", "sev-snp/msft-tav-milan-aci-report.bin", "sev-snp/trustee-milan-idblock-vcek.der", "2026-03-01T00:00:00Z");

        assertThat(e.path("verified").asBoolean()).isFalse();
        assertThat(e.path("reason").asString()).isEqualTo("BINDING");
        assertThat(e.path("field").asString()).isEqualTo("CHIP_ID");
    }

    @Test
    void anSnpReportWithoutItsVcekIsNamedUnlessTheVcekWasSeenBefore() {
        JsonNode unknown = explain("SEV_SNP", "sev-snp/trustee-milan-idblock-report.bin", null, "2024-01-01T00:00:00Z");
        assertThat(unknown.path("field").asString()).isEqualTo("vcek");

        explain("SEV_SNP", "sev-snp/trustee-milan-idblock-report.bin", "sev-snp/trustee-milan-idblock-vcek.der", "2024-01-01T00:00:00Z");
        JsonNode cached = explain("SEV_SNP", "sev-snp/trustee-milan-idblock-report.bin", null, "2024-01-01T00:00:00Z");

        assertThat(cached.path("verified").asBoolean()).isTrue();
        assertThat(cached.at("/measured/measurement").asString()).startsWith("a1f3930413247bb3");
    }

    private JsonNode explain(String platform, String evidence, String vcek, String at) {
        ObjectNode body = Api.object()
                .put("platform", platform)
                .put("evidence", Base64.getEncoder().encodeToString(read(evidence)))
                .put("verification_time", Instant.parse(at).getEpochSecond());
        if (vcek != null) {
            body.put("vcek", Base64.getEncoder().encodeToString(read(vcek)));
        }
        return api.post("/v1/attestation/explain", body).expect(200).body();
    }

    private static byte[] read(String vector) {
        try {
            return Files.readAllBytes(vector(vector));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
