// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Images created from the real SIGSTRUCT and nitro-cli samples: uploaded as files or pasted. */
class ReferenceFileUploadTest extends ApiTest {
    private static final String FORTANIX_SIGSTRUCT = "sigstruct/fortanix-test_enclave.sigstruct.bin";
    private static final String INTEL_SIGSTRUCT = "sigstruct/intel-pce-1.25.100.1.sigstruct.bin";
    private static final String SIGNED_MEASUREMENTS =
            "nitro-measurements/aws-nitro-cli-docs-image_signing-build-enclave-signed.json";

    @LocalServerPort
    int port;

    @BeforeEach
    void account() {
        api.logInToNewAccount();
    }

    @Test
    void anUploadedSigstructFillsTheFourValues() {
        UUID app = Fixtures.createApp(api, "EDP-SGX");
        ObjectNode build = Api.object().put("app_id", app.toString());

        JsonNode b = multipart(build, "sigstruct", read(INTEL_SIGSTRUCT)).expect(200).body();

        assertThat(b.at("/enclave_info/mrenclave").asString())
                .isEqualTo("03e3f07e8c11cc08a1fa2afa93a8f2699cc8d9e17efa890af5df4e3cf7696578");
        assertThat(b.at("/enclave_info/mrsigner").asString())
                .isEqualTo("c54a62f2be9ef76efb1f3930ad81ea7f60defc1f5f25e09b7c067a815ae0c6cb");
        assertThat(b.at("/enclave_info/isvprodid").asInt()).isEqualTo(1);
        assertThat(b.at("/enclave_info/isvsvn").asInt()).isEqualTo(16);
        assertThat(b.at("/attributes/default/sgx/mrenclave").asString()).isEqualTo(b.at("/enclave_info/mrenclave").asString());
    }

    @Test
    void aPastedBase64SigstructFillsTheFourValuesAndAgreeingValuesAreAccepted() {
        UUID app = Fixtures.createApp(api, "EDP-SGX");
        ObjectNode build = Api.object()
                .put("app_id", app.toString())
                .put("sigstruct", Base64.getMimeEncoder().encodeToString(read(FORTANIX_SIGSTRUCT)))
                .put("mrenclave", Fixtures.MRENCLAVE.toUpperCase())
                .put("isvprodid", 65535);

        JsonNode b = api.post("/v1/builds", build).expect(200).body();

        assertThat(b.at("/enclave_info/mrenclave").asString()).isEqualTo(Fixtures.MRENCLAVE);
        assertThat(b.at("/enclave_info/mrsigner").asString()).isEqualTo(Fixtures.MRSIGNER);
        assertThat(b.at("/enclave_info/isvprodid").asInt()).isEqualTo(65535);
        assertThat(b.at("/enclave_info/isvsvn").asInt()).isZero();
    }

    @Test
    void aValueThatDisagreesWithTheSigstructIsRefused() {
        UUID app = Fixtures.createApp(api, "EDP-SGX");
        ObjectNode build = Api.object()
                .put("app_id", app.toString())
                .put("sigstruct", Base64.getEncoder().encodeToString(read(FORTANIX_SIGSTRUCT)))
                .put("isvsvn", 1);

        Api.Response r = api.post("/v1/builds", build).rejects("isvsvn");

        assertThat(r.text("detail")).contains("ISVSVN");
    }

    @Test
    void aSigstructWithOneFlippedSignedByteIsRefusedWithTheReason() {
        UUID app = Fixtures.createApp(api, "EDP-SGX");
        byte[] tampered = read(FORTANIX_SIGSTRUCT);
        tampered[1026] ^= 0x01; // ISVSVN, inside the signed area

        Api.Response uploaded = multipart(Api.object().put("app_id", app.toString()), "sigstruct", tampered)
                .rejects("sigstruct");
        Api.Response pasted = api.post(
                        "/v1/builds",
                        Api.object()
                                .put("app_id", app.toString())
                                .put("sigstruct", Base64.getEncoder().encodeToString(tampered)))
                .rejects("sigstruct");

        assertThat(uploaded.text("detail")).contains("SIGNATURE").contains("does not verify");
        assertThat(pasted.text("detail")).isEqualTo(uploaded.text("detail"));
        assertThat(api.get("/v1/builds").expect(200).body().path("items")).isEmpty();
    }

    @Test
    void aTruncatedSigstructIsRefusedAsMalformed() {
        UUID app = Fixtures.createApp(api, "EDP-SGX");
        byte[] truncated = java.util.Arrays.copyOf(read(FORTANIX_SIGSTRUCT), 1000);

        Api.Response r = multipart(Api.object().put("app_id", app.toString()), "sigstruct", truncated)
                .rejects("sigstruct");

        assertThat(r.text("detail")).contains("expected 1808 bytes, got 1000");
    }

    @Test
    void theSigstructToolShowsTheValuesWithoutRegistering() {
        Api.Response r = api.postRaw("/v1/tools/sigstruct", "application/octet-stream", read(INTEL_SIGSTRUCT))
                .expect(200);

        assertThat(r.text("mrenclave")).isEqualTo("03e3f07e8c11cc08a1fa2afa93a8f2699cc8d9e17efa890af5df4e3cf7696578");
        assertThat(r.text("vendor")).isEqualTo("0x8086");
        assertThat(r.text("date")).isEqualTo("20240811");
        assertThat(api.get("/v1/builds").expect(200).body().path("items")).isEmpty();
    }

    @Test
    void anUploadedMeasurementFileFillsPcr0To2AndPcr8() {
        UUID app = Fixtures.createApp(api, "EDP-NITRO");

        JsonNode b = multipart(Api.object().put("app_id", app.toString()), "nitro_measurements", read(SIGNED_MEASUREMENTS))
                .expect(200)
                .body();

        JsonNode nitro = b.at("/attributes/default/nitro_enclave");
        assertThat(nitro.path("hash_algorithm").asString()).isEqualTo("Sha384");
        assertThat(nitro.path("pcr0").asString()).startsWith("55c0acc442fd815e").endsWith("221683bbe9f");
        assertThat(nitro.path("pcr1").asString()).startsWith("aca6e62ffbf5f7de");
        assertThat(nitro.path("pcr2").asString()).startsWith("41e46bdda449ee3f");
        assertThat(nitro.path("pcr8").asString()).startsWith("70da58334a884328");
    }

    @Test
    void pastedMeasurementJsonWorksAsAnObjectOrAsText() {
        UUID app = Fixtures.createApp(api, "EDP-NITRO");
        String text = new String(read("nitro-measurements/aws-nitro-enclaves-sdk-c-kmstool-build-enclave.json"),
                StandardCharsets.UTF_8);

        JsonNode asObject = api.post(
                        "/v1/builds",
                        Api.object().put("app_id", app.toString()).set("nitro_measurements", Api.JSON.readTree(text)))
                .expect(200)
                .body();
        JsonNode asText = api.post(
                        "/v1/builds", Api.object().put("app_id", app.toString()).put("nitro_measurements", text))
                .expect(200)
                .body();

        assertThat(asObject.at("/attributes/default/nitro_enclave/pcr0").asString()).startsWith("287b24930a9f");
        assertThat(asObject.at("/attributes/default/nitro_enclave")).isEqualTo(asText.at("/attributes/default/nitro_enclave"));
        assertThat(asObject.at("/attributes/default/nitro_enclave").has("pcr8")).isFalse();
    }

    @Test
    void aPcrThatDisagreesWithTheMeasurementFileIsRefused() {
        UUID app = Fixtures.createApp(api, "EDP-NITRO");
        ObjectNode build = Fixtures.nitroBuild(app, 3);

        multipart(build, "nitro_measurements", read(SIGNED_MEASUREMENTS)).rejects("attributes.nitro_enclave.pcr0");
    }

    @Test
    void aSigstructOnANitroAppIsRefused() {
        UUID app = Fixtures.createApp(api, "EDP-NITRO");

        multipart(Fixtures.nitroBuild(app, 1), "sigstruct", read(FORTANIX_SIGSTRUCT)).rejects("sigstruct");
    }

    @Test
    void aBrokenJsonPartIsNamed() {
        UUID app = Fixtures.createApp(api, "EDP-SGX");
        ObjectNode build = Api.object().put("app_id", app.toString()).put("isvsvn", "x");

        multipart(build, "sigstruct", read(FORTANIX_SIGSTRUCT)).rejects("isvsvn");
    }

    private Api.Response multipart(ObjectNode build, String fileField, byte[] file) {
        String boundary = "openccm-" + UUID.randomUUID();
        byte[] body = concat(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"build\"\r\n"
                                + "Content-Type: application/json\r\n\r\n" + build + "\r\n--" + boundary
                                + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\"f\"\r\n"
                                + "Content-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8),
                file,
                ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return Api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/builds"))
                .header("Authorization", "Bearer " + api.token())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] read(String vector) {
        try {
            return Files.readAllBytes(vector(vector));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
