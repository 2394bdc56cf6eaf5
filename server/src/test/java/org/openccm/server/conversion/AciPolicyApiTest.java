// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.openccm.server.registry.TestImages;
import org.openccm.server.registry.TestRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * "Generate secure policy" end to end against a real registry on loopback: the test pushes a two-layer image made
 * of tar2ext4 vectors (one gzip layer, one plain), OpenCCM hashes the layers, generates the policy and the ARM
 * template, and the image's identity is the policy's SHA-256.
 */
class AciPolicyApiTest extends ApiTest {
    private static final String BASIC_ROOT = TestImages.BASIC_ROOT;
    private static final String WHITEOUTS_ROOT = TestImages.WHITEOUTS_ROOT;
    private String host;

    @BeforeEach
    void registry() {
        host = TestRegistry.host();
        api.logInToNewAccount();
    }

    @Test
    void generatesThePolicyAndTheArmTemplateOfAPushedImage() throws Exception {
        ConversionJobs.saveCredentials(api, host, TestRegistry.PASSWORD);
        String repo = host + "/openccm/aci-" + UUID.randomUUID();
        String digest = pushImage(repo + ":v1", false);
        UUID app = aciApp(repo);

        JsonNode created = api.post("/v1/builds/convert-app/aci", convertRequest(app, repo + ":v1", 2, 1.5)).expect(200).body();
        String id = created.path("build_id").asString();
        ConversionJobs.awaitJob(api, id, "SUCCEEDED");

        JsonNode image = api.get("/v1/builds/" + id).expect(200).body();
        String policyB64 = image.at("/attributes/default/aci/policy").asString();
        String policy = new String(Base64.getDecoder().decode(policyB64), StandardCharsets.US_ASCII);
        assertThat(policy).startsWith("package policy\n")
                .contains("\"layers\":[\"" + BASIC_ROOT + "\",\"" + WHITEOUTS_ROOT + "\"]")
                .contains("\"id\":\"" + repo + "@" + digest + "\"")
                .contains("\"command\":[\"/bin/server\",\"--port\",\"8080\"]")
                .contains("{\"pattern\":\"MODE=production\",\"required\":false,\"strategy\":\"string\"}");
        assertThat(api.get("/v1/builds/" + id + "/aci/policy").expect(200).raw().body()).isEqualTo(policy);
        assertThat(image.at("/docker_info/docker_image_sha").asString()).isEqualTo(digest);
        assertThat(image.at("/docker_info/exposed_ports/0/port").asInt()).isEqualTo(8080);

        // the identity to approve is the policy's SHA-256, what ACI reports as HOST_DATA
        String hostData = sha256(policy.getBytes(StandardCharsets.US_ASCII));
        String task = image.path("pending_task_id").asString();
        assertThat(task).isNotEqualTo(created.path("pending_task_id").asString());
        assertThat(api.get("/v1/tasks/" + task).expect(200).text("subject")).contains("host_data=" + hostData + "\n");

        var download = api.get("/v1/builds/" + id + "/aci/arm-template").expect(200).raw();
        assertThat(download.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment;");
        assertThat(download.body()).doesNotContain(TestRegistry.PASSWORD);
        JsonNode template = Api.JSON.readTree(download.body());
        JsonNode group = template.at("/resources/0/properties");
        assertThat(group.path("sku").asString()).isEqualTo("Confidential");
        assertThat(group.at("/confidentialComputeProperties/ccePolicy").asString()).isEqualTo(policyB64);
        assertThat(group.at("/containers/0/properties/image").asString()).isEqualTo(repo + "@" + digest);
        assertThat(group.at("/containers/0/properties/resources/requests/cpu").asInt()).isEqualTo(2);
        assertThat(group.at("/containers/0/properties/resources/requests/memoryInGB").asDouble()).isEqualTo(1.5);
        assertThat(group.at("/imageRegistryCredentials/0/username").asString()).isEqualTo(TestRegistry.USER);
        assertThat(group.at("/imageRegistryCredentials/0/password").asString()).isEqualTo("[parameters('registryPassword')]");
    }

    @Test
    void aZstdLayerHashesAsItsGzipTwin() throws Exception {
        ConversionJobs.saveCredentials(api, host, TestRegistry.PASSWORD);
        String repo = host + "/openccm/aci-" + UUID.randomUUID();
        TestImages.pushAciImage(repo + ":zstd", false, true);
        UUID app = aciApp(repo);
        String id = api.post("/v1/builds/convert-app/aci", convertRequest(app, repo + ":zstd", 1, 1)).expect(200).text("build_id");

        ConversionJobs.awaitJob(api, id, "SUCCEEDED");

        String policy = new String(Base64.getDecoder().decode(
                api.get("/v1/builds/" + id).expect(200).body().at("/attributes/default/aci/policy").asString()), StandardCharsets.US_ASCII);
        assertThat(policy).contains("\"layers\":[\"" + BASIC_ROOT + "\",\"" + WHITEOUTS_ROOT + "\"]");
    }

    @Test
    void aSecondImageWithTheSameTagIsRefused() throws Exception {
        ConversionJobs.saveCredentials(api, host, TestRegistry.PASSWORD);
        String repo = host + "/openccm/aci-" + UUID.randomUUID();
        pushImage(repo + ":v1", false);
        UUID app = aciApp(repo);
        api.post("/v1/builds/convert-app/aci", convertRequest(app, repo + ":v1", 1, 1)).expect(200);

        api.post("/v1/builds/convert-app/aci", convertRequest(app, repo + ":v1", 1, 1))
                .expect(409);
        assertThat(api.post("/v1/builds/convert-app/aci", convertRequest(app, repo + ":v1", 1, 1)).text("field"))
                .isEqualTo("docker_info.docker_version");
    }

    @Test
    void theConverterToolMakesThePolicyAndTemplateWithinTheRequestAndRegistersNothing() throws Exception {
        ConversionJobs.saveCredentials(api, host, TestRegistry.PASSWORD);
        String repo = host + "/openccm/aci-" + UUID.randomUUID();
        String digest = pushImage(repo + ":v1", false);
        ObjectNode body = Api.object();
        ObjectNode request = body.putObject("request");
        request.putObject("input_image").put("name", repo + ":v1");
        request.putObject("output_image").put("name", repo + "-unused:v1");
        request.putObject("converter_options").putArray("env_vars").add("MODE=production");
        body.putObject("aci_options").put("cpu_count", 2).put("gb_mem", 1.5);

        JsonNode made = api.post("/v1/tools/converter/convert-app/aci", body).expect(200).body();

        assertThat(made.at("/converted_image/name").asString()).isEqualTo(repo + ":v1");
        assertThat(made.at("/converted_image/sha").asString()).isEqualTo(digest);
        assertThat(made.at("/converted_image/size").asLong()).isPositive();
        assertThat(made.at("/config/exposed_ports/0/port").asInt()).isEqualTo(8080);
        JsonNode group = Api.JSON.readTree(made.at("/config/caci_template").asString()).at("/resources/0/properties");
        assertThat(group.at("/containers/0/properties/image").asString()).isEqualTo(repo + "@" + digest);
        String policy = new String(Base64.getDecoder().decode(group.at("/confidentialComputeProperties/ccePolicy").asString()),
                StandardCharsets.US_ASCII);
        assertThat(policy).contains("\"layers\":[\"" + BASIC_ROOT + "\",\"" + WHITEOUTS_ROOT + "\"]")
                .contains("{\"pattern\":\"MODE=production\",\"required\":false,\"strategy\":\"string\"}");
        assertThat(api.get("/v1/builds").expect(200).body().path("items")).as("nothing registered").isEmpty();
        ((ObjectNode) request.get("input_image")).put("name", repo + ":missing");
        assertThat(api.post("/v1/tools/converter/convert-app/aci", body).expect(422).text("field")).isEqualTo("request.input_image.name");
    }

    @Test
    void anEnclaveOsAppWithoutImagesBecomesAnAciAppByItsFirstAciConversion() {
        // What a Fortanix client does: its apps have no type (OpenCCM makes them Enclave OS apps).
        UUID app = api.post("/v1/apps", Api.object().put("name", "aci-by-conversion-" + UUID.randomUUID())
                .put("input_image_name", "python").put("output_image_name", "python-sgx")).expect(200).id("app_id");
        UUID nitro = Fixtures.createApp(api, "ENCLAVE_OS");
        api.post("/v1/builds", Fixtures.nitroBuild(nitro, 77)).expect(200);

        api.post("/v1/builds/convert-app/aci", convertRequest(app, Fixtures.UNREACHABLE + "/library/python:3", 1, 1)).expect(200);

        assertThat(api.get("/v1/apps/" + app).expect(200).text("type")).isEqualTo("ACI");
        assertThat(api.get("/v1/audit?action=app.type_changed").expect(200).body().path("items")).hasSize(1);
        api.post("/v1/builds/convert-app/aci", convertRequest(nitro, Fixtures.UNREACHABLE + "/library/python:3", 1, 1)).rejects("app_id");
        assertThat(api.get("/v1/apps/" + nitro).expect(200).text("type")).isEqualTo("ENCLAVE_OS");
    }

    @Test
    void aCredentialNeedsAnImageNameWithARegistry() {
        UUID app = aciApp("library/python");
        ObjectNode request = convertRequest(app, "library/python:3", 1, 1);
        ((ObjectNode) request.get("input_image")).putObject("auth_config").put("username", "u").put("password", "p");

        api.post("/v1/builds/convert-app/aci", request).rejects("input_image.name");
        assertThat(api.get("/v1/builds?app_id=" + app).expect(200).body().path("items")).isEmpty();
    }

    @Test
    void badOptionsAreRefusedNamingTheField() {
        UUID app = aciApp(host + "/openccm/x");
        api.post("/v1/builds/convert-app/aci", convertRequest(app, host + "/openccm/x:1", 0, 1)).rejects("aci_options.cpu_count");
        api.post("/v1/builds/convert-app/aci", convertRequest(app, host + "/openccm/x:1", 1, 0)).rejects("aci_options.gb_mem");
        ObjectNode badEnv = convertRequest(app, host + "/openccm/x:1", 1, 1);
        ((ObjectNode) badEnv.get("converter_options")).putArray("env_vars").add("NO_EQUALS");
        api.post("/v1/builds/convert-app/aci", badEnv).rejects("converter_options.env_vars[0]");
    }

    @Test
    void wrongInlineCredentialsFailWithTheReasonAndAreNotKept() throws Exception {
        String repo = host + "/openccm/aci-" + UUID.randomUUID();
        pushImage(repo + ":v1", false);
        UUID app = aciApp(repo);
        ObjectNode request = convertRequest(app, repo + ":v1", 1, 1);
        ((ObjectNode) request.get("input_image")).putObject("auth_config").put("username", TestRegistry.USER).put("password", "wrong");
        String id = api.post("/v1/builds/convert-app/aci", request).expect(200).text("build_id");

        JsonNode job = ConversionJobs.awaitJob(api, id, "FAILED");

        assertThat(job.path("error").asString()).contains("refused the credentials");
        assertThat(api.get("/v1/builds/" + id).expect(200).body().at("/attributes/default").has("aci")).isFalse();
        api.get("/v1/builds/" + id + "/aci/arm-template").expect(409);
    }

    @Test
    void aLayerThatDoesNotMatchItsDiffIdFails() throws Exception {
        ConversionJobs.saveCredentials(api, host, TestRegistry.PASSWORD);
        String repo = host + "/openccm/aci-" + UUID.randomUUID();
        pushImage(repo + ":v1", true);
        UUID app = aciApp(repo);
        String id = api.post("/v1/builds/convert-app/aci", convertRequest(app, repo + ":v1", 1, 1)).expect(200).text("build_id");

        assertThat(ConversionJobs.awaitJob(api, id, "FAILED").path("error").asString()).contains("diff_id");
    }

    @Test
    void anImageRegisteredWithoutAPolicyGetsOneWithTheDefaults() throws Exception {
        ConversionJobs.saveCredentials(api, host, TestRegistry.PASSWORD);
        String repo = host + "/openccm/aci-" + UUID.randomUUID();
        pushImage(repo + ":v2", false);
        UUID app = aciApp(repo);
        String id = api.post("/v1/builds", Fixtures.aciBuild(app, "v2")).expect(200).text("build_id");

        ConversionJobs.awaitJob(api, id, "SUCCEEDED");

        JsonNode template = Api.JSON.readTree(api.get("/v1/builds/" + id + "/aci/arm-template").expect(200).raw().body());
        assertThat(template.at("/resources/0/properties/containers/0/properties/resources/requests/cpu").asInt()).isEqualTo(1);
        assertThat(template.at("/resources/0/properties/containers/0/properties/resources/requests/memoryInGB").asDouble()).isEqualTo(1.0);
    }

    private UUID aciApp(String inputImage) {
        return api.post("/v1/apps", Fixtures.app("ACI").put("input_image_name", inputImage)).expect(200).id("app_id");
    }

    private static ObjectNode convertRequest(UUID app, String image, int cpu, double gb) {
        ObjectNode r = Api.object().put("app_id", app.toString());
        r.putObject("input_image").put("name", image);
        r.putObject("converter_options").putArray("env_vars").add("MODE=production");
        r.putObject("aci_options").put("cpu_count", cpu).put("gb_mem", gb).put("wait_for_agent", true);
        return r;
    }

    private static String pushImage(String name, boolean wrongDiffId) throws Exception {
        return TestImages.pushAciImage(name, wrongDiffId);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
