// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.openccm.server.conversion.eif.DockerExportTest;
import org.openccm.server.conversion.eif.EifMeasurements;
import org.openccm.server.conversion.eif.EifReader;
import org.openccm.server.conversion.eif.TarEntry;
import org.openccm.server.conversion.eif.TarReader;
import org.openccm.server.registry.NetworkRules;
import org.openccm.server.registry.OciRegistryClient;
import org.openccm.server.registry.OciRegistryClient.Reference;
import org.openccm.server.registry.RegistryService;
import org.openccm.server.registry.TestRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Enclave OS conversion end to end against a real registry on loopback: the test pushes an input image whose
 * filesystem is the vectors' synthetic container, OpenCCM converts it with the synthetic blob set, and the image's
 * PCRs must be exactly those of the vectors' synthetic EIF.
 */
class ConversionApiTest extends ApiTest {
    private static final Set<String> INIT_LAYER =
            Set.of(".dockerenv", "dev/console", "dev/pts/", "dev/shm/", "etc/hostname", "etc/hosts", "etc/resolv.conf", "etc/mtab");
    private static final String PCR0 = "7bc37c0a26a00b59d13d037dd3d68369fb0d35edc46027e3ca232c2e795aec3d686b138fa7df411a686573642dace80d";
    private static final String PCR1 = "404d07c81f3b4cdc4b06fab17466f660093c08c33f7bb51ee6dd4bc147e31ce2792a6203012de7c7305edfcbea711358";
    private static final String PCR2 = "9b0c09ed3e346f5fc2bbb07ac6eea2f97539afd19b28fb0f45b419fc926b1e1a482b45598f1b3bb92e9aad6e68d680d3";
    /** The operator's signer (the vectors' signer-cert.pem, configured for the test server): PCR8 of the EIF. */
    private static final String PCR8 = "7a65231baeb37a90899f6ac230498662dffead170c92e2ee1af1e5b4540b93c15f12118667c4417cca2430a2677891dd";
    private static final RegistryService.Credential CREDENTIAL =
            new RegistryService.Credential(TestRegistry.USER, TestRegistry.PASSWORD);
    private final OciRegistryClient client = new OciRegistryClient(List.of("127.0.0.1"), new NetworkRules(List.of("127.0.0.0/8")));
    private String host;

    @org.springframework.beans.factory.annotation.Autowired
    private org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @BeforeEach
    void registry() {
        host = TestRegistry.host();
        api.logInToNewAccount();
    }

    @Test
    void anEnclaveOsImageIsConvertedPushedAndMeasuredAsNitroCliWould() throws Exception {
        ConversionJobs.saveCredentials(api, host, TestRegistry.PASSWORD);
        String input = host + "/openccm/in-" + UUID.randomUUID();
        String output = host + "/openccm/out-" + UUID.randomUUID();
        String inputDigest = pushInputImage(input + ":v1");
        UUID app = api.post("/v1/apps", Fixtures.app("ENCLAVE_OS").put("input_image_name", input).put("output_image_name", output))
                .expect(200)
                .id("app_id");
        ObjectNode request = Api.object().put("app_id", app.toString()).put("mem_size", 1024).put("threads", 2);
        request.putObject("docker_info").put("docker_version", "v1");
        JsonNode created = api.post("/v1/builds", request).expect(200).body();
        String id = created.path("build_id").asString();

        JsonNode job = ConversionJobs.awaitJob(api, id, "SUCCEEDED");

        JsonNode image = api.get("/v1/builds/" + id).expect(200).body();
        assertThat(image.at("/attributes/default/nitro_enclave/pcr0").asString()).isEqualTo(PCR0);
        assertThat(image.at("/attributes/default/nitro_enclave/pcr1").asString()).isEqualTo(PCR1);
        assertThat(image.at("/attributes/default/nitro_enclave/pcr2").asString()).isEqualTo(PCR2);
        assertThat(image.at("/attributes/default/nitro_enclave/pcr8").asString()).isEqualTo(PCR8);
        assertThat(image.at("/docker_info/docker_image_sha").asString()).isEqualTo(inputDigest);
        assertThat(image.at("/docker_info/exposed_ports/0/port").asInt()).isEqualTo(8080);
        assertThat(image.at("/status/status").asString()).isEqualTo("PENDING");
        String task = image.path("pending_task_id").asString();
        assertThat(task).isNotEqualTo(created.path("pending_task_id").asString());
        assertThat(api.get("/v1/tasks/" + task).expect(200).text("subject")).contains("pcr0=" + PCR0);
        assertThat(api.get("/v1/tasks/" + created.path("pending_task_id").asString()).expect(200).body().at("/status/status").asString())
                .isEqualTo("FAILED");
        assertThat(job.path("output_image").asString()).isEqualTo(output + ":v1");

        // the pushed output image holds the EIF, and the EIF measures to the image's PCRs
        Reference out = Reference.parse(output + ":v1");
        OciRegistryClient.Manifest manifest = client.manifest(out, CREDENTIAL);
        byte[] layer = client.blob(out, manifest.json().at("/layers/0/digest").asString(), CREDENTIAL);
        TarEntry eif = TarReader.read(layer).getFirst();
        assertThat(eif.name()).isEqualTo("opt/openccm/enclave.eif");
        java.security.cert.X509Certificate signer = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(Files.newInputStream(vector("eif/signer-cert.pem")));
        List<org.openccm.server.conversion.eif.EifSection> sections = EifReader.read(eif.data());
        assertThat(EifMeasurements.of(sections, signer.getEncoded()))
                .containsEntry(0, PCR0)
                .containsEntry(1, PCR1)
                .containsEntry(2, PCR2)
                .containsEntry(8, PCR8);
        assertThat(org.openccm.server.conversion.eif.EifSigner.verify(sections.getLast().data(), PCR0, signer)).isTrue();
    }

    @Test
    void convertAppTakesPerImageTagsAndCredentialsAndForgetsThemAfterwards() throws Exception {
        String input = host + "/openccm/in-" + UUID.randomUUID();
        String output = host + "/openccm/out-" + UUID.randomUUID();
        pushInputImage(input + ":v2");
        UUID app = api.post("/v1/apps", Fixtures.app("ENCLAVE_OS").put("input_image_name", input).put("output_image_name", output))
                .expect(200)
                .id("app_id");
        ObjectNode body = Api.object();
        ObjectNode request = body.putObject("request").put("app_id", app.toString());
        ObjectNode in = request.putObject("input_image").put("name", input + ":v2");
        in.putObject("auth_config").put("username", TestRegistry.USER).put("password", TestRegistry.PASSWORD);
        ObjectNode out = request.putObject("output_image").put("name", output + ":v2-nitro");
        out.putObject("auth_config").put("username", TestRegistry.USER).put("password", TestRegistry.PASSWORD);
        request.putObject("converter_options");
        body.putObject("nitro_enclaves_options").put("cpu_count", 4).put("mem_size", 4096).put("enable_overlay_filesystem_persistence", false);

        JsonNode created = api.post("/v1/builds/convert-app/nitro-enclaves", body).expect(200).body();
        String id = created.path("build_id").asString();
        assertThat(created.at("/docker_info/docker_version").asString()).isEqualTo("v2");
        assertThat(created.path("threads").asInt()).isEqualTo(4);
        assertThat(created.path("enable_overlay_filesystem_persistence").asBoolean()).isFalse();

        JsonNode job = ConversionJobs.awaitJob(api, id, "SUCCEEDED");

        assertThat(job.path("output_image").asString()).isEqualTo(output + ":v2-nitro");
        assertThat(client.manifest(Reference.parse(output + ":v2-nitro"), CREDENTIAL).digest()).isEqualTo(job.path("output_digest").asString());
        assertThat(jdbc.sql("SELECT input_credential_enc FROM conversion_jobs WHERE build_id = ?::uuid").param(id)
                .query(byte[].class).optional()).isEmpty();
    }

    @Test
    void converterOptionsSetTheEnclavesCommandAndEnvironment() throws Exception {
        ConversionJobs.saveCredentials(api, host, TestRegistry.PASSWORD);
        String input = host + "/openccm/in-" + UUID.randomUUID();
        String output = host + "/openccm/out-" + UUID.randomUUID();
        pushInputImage(input + ":v3");
        UUID app = api.post("/v1/apps", Fixtures.app("ENCLAVE_OS").put("input_image_name", input).put("output_image_name", output))
                .expect(200)
                .id("app_id");
        ObjectNode body = Api.object();
        ObjectNode request = body.putObject("request").put("app_id", app.toString());
        request.putObject("input_image").put("name", input + ":v3");
        request.putObject("output_image").put("name", output + ":v3");
        ObjectNode options = request.putObject("converter_options");
        options.putArray("entrypoint").add("/usr/bin/app");
        options.putArray("entrypoint_args").add("--serve-from-enclave");
        options.putArray("env_vars").add("MODE=enclave-production");
        String id = api.post("/v1/builds/convert-app/nitro-enclaves", body).expect(200).text("build_id");

        ConversionJobs.awaitJob(api, id, "SUCCEEDED");

        JsonNode nitro = api.get("/v1/builds/" + id).expect(200).body().at("/attributes/default/nitro_enclave");
        assertThat(nitro.path("pcr1").asString()).isEqualTo(PCR1); // kernel and bootstrap ramdisk: unchanged
        assertThat(nitro.path("pcr2").asString()).isNotEqualTo(PCR2); // the application's ramdisk: changed
        Reference out = Reference.parse(output + ":v3");
        byte[] layer = client.blob(out, client.manifest(out, CREDENTIAL).json().at("/layers/0/digest").asString(), CREDENTIAL);
        String eif = new String(TarReader.read(layer).getFirst().data(), StandardCharsets.ISO_8859_1);
        assertThat(eif).contains("/usr/bin/app\n--serve-from-enclave\n").contains("MODE=enclave-production\n");
    }

    @Test
    void convertAppRefusesAnImageThatIsNotTheAppsNamingTheField() {
        UUID app = api.post("/v1/apps", Fixtures.app("ENCLAVE_OS").put("input_image_name", host + "/openccm/a").put("output_image_name", host + "/openccm/b"))
                .expect(200)
                .id("app_id");
        ObjectNode body = Api.object();
        ObjectNode request = body.putObject("request").put("app_id", app.toString());
        request.putObject("input_image").put("name", host + "/openccm/other:v1");
        request.putObject("output_image").put("name", host + "/openccm/b:v1");
        request.putObject("converter_options");

        api.post("/v1/builds/convert-app/nitro-enclaves", body).rejects("request.input_image.name");
        assertThat(api.get("/v1/builds?app_id=" + app).expect(200).body().path("items")).isEmpty();
    }

    @Test
    void wrongCredentialsFailTheConversionWithTheReason() throws Exception {
        ConversionJobs.saveCredentials(api, host, "not-the-password");
        String id = convert(host + "/openccm/in-" + UUID.randomUUID());

        JsonNode job = ConversionJobs.awaitJob(api, id, "FAILED");

        assertThat(job.path("error").asString()).contains("refused the credentials");
        assertThat(api.get("/v1/builds/" + id).expect(200).body().at("/attributes/default").has("nitro_enclave")).isFalse();
        assertThat(api.get("/v1/audit?action=conversion.failed&object_id=" + id).expect(200).body().path("items")).hasSize(1);
    }

    @Test
    void aMissingInputImageFailsTheConversionWithTheReason() throws Exception {
        ConversionJobs.saveCredentials(api, host, TestRegistry.PASSWORD);
        String id = convert(host + "/openccm/absent-" + UUID.randomUUID());

        JsonNode job = ConversionJobs.awaitJob(api, id, "FAILED");

        assertThat(job.path("error").asString()).contains("404");
    }

    private String convert(String input) {
        UUID app = api.post("/v1/apps", Fixtures.app("ENCLAVE_OS").put("input_image_name", input).put("output_image_name", input + "-out"))
                .expect(200)
                .id("app_id");
        return api.post("/v1/builds", Api.object().put("app_id", app.toString())).expect(200).text("build_id");
    }

    /** The vectors' synthetic container as a one-layer image with its Cmd, Env and a port. */
    @Test
    void theConverterToolConvertsAndPushesWithinTheRequestAndRegistersNothing() throws Exception {
        String input = host + "/openccm/tool-in-" + UUID.randomUUID();
        String output = host + "/openccm/tool-out-" + UUID.randomUUID();
        pushInputImage(input + ":v1");
        ObjectNode body = Api.object();
        ObjectNode request = body.putObject("request");
        request.putObject("input_image").put("name", input + ":v1").putObject("auth_config")
                .put("username", TestRegistry.USER).put("password", TestRegistry.PASSWORD);
        request.putObject("output_image").put("name", output + ":v1").putObject("auth_config")
                .put("username", TestRegistry.USER).put("password", TestRegistry.PASSWORD);
        body.putObject("nitro_enclaves_options").put("mem_size", "1024").put("cpu_count", 2);

        JsonNode converted = api.post("/v1/tools/converter/convert-app/nitro-enclaves", body).expect(200).body();

        assertThat(converted.at("/converted_image/name").asString()).isEqualTo(output + ":v1");
        assertThat(converted.at("/converted_image/sha").asString())
                .isEqualTo(client.manifest(Reference.parse(output + ":v1"), CREDENTIAL).digest());
        assertThat(converted.at("/converted_image/size").asLong()).isPositive();
        assertThat(converted.at("/config/measurements/default/pcr0").asString()).isEqualTo(PCR0);
        assertThat(converted.at("/config/measurements/default/pcr2").asString()).isEqualTo(PCR2);
        assertThat(converted.at("/config/pcr8").asString()).isEqualTo(PCR8);
        assertThat(api.get("/v1/builds").expect(200).body().path("items")).as("nothing registered").isEmpty();

        ((ObjectNode) request.get("input_image")).put("name", input + ":missing");
        assertThat(api.post("/v1/tools/converter/convert-app/nitro-enclaves", body).expect(422).text("field"))
                .isEqualTo("request.input_image.name");
        ((ObjectNode) request.get("input_image")).put("name", input + "@sha256:" + "0".repeat(64));
        api.post("/v1/tools/converter/convert-app/nitro-enclaves", body).rejects("request.input_image.name");
        assertThat(api.newMember("VIEWER").post("/v1/tools/converter/convert-app/nitro-enclaves", body).status()).isEqualTo(403);
    }

    private String pushInputImage(String name) throws Exception {
        Reference ref = Reference.parse(name);
        List<TarEntry> files = TarReader.read(Files.readAllBytes(vector("eif/docker-export.tar"))).stream()
                .filter(e -> !INIT_LAYER.contains(e.name()))
                .toList();
        byte[] layer = DockerExportTest.tar(files);
        ObjectNode config = Api.object().put("architecture", "amd64").put("os", "linux");
        ObjectNode c = config.putObject("config");
        c.putArray("Cmd").add("/usr/bin/app");
        var env = c.putArray("Env");
        Files.readAllLines(vector("eif/env")).forEach(env::add);
        c.putObject("ExposedPorts").putObject("8080/tcp");
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(OciRegistryClient.digest(layer));
        byte[] configBytes = config.toString().getBytes(StandardCharsets.UTF_8);
        String layerDigest = client.pushBlob(ref, layer, CREDENTIAL);
        String configDigest = client.pushBlob(ref, configBytes, CREDENTIAL);
        ObjectNode manifest = Api.object().put("schemaVersion", 2).put("mediaType", OciRegistryClient.OCI_MANIFEST);
        manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json").put("digest", configDigest).put("size", configBytes.length);
        manifest.putArray("layers").addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar").put("digest", layerDigest).put("size", layer.length);
        return client.pushManifest(ref, OciRegistryClient.OCI_MANIFEST, manifest.toString().getBytes(StandardCharsets.UTF_8), CREDENTIAL);
    }
}
