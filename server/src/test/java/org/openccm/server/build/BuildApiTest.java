// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openccm.server.Fixtures.hex;

import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** One image per platform with every field of CCM's CreateBuildRequest, written and read back. */
class BuildApiTest extends ApiTest {

    @BeforeEach
    void account() {
        api.logInToNewAccount();
    }

    @Test
    void sgxImageWithEveryFieldIsStoredAndReadBack() {
        UUID app = Fixtures.createApp(api, "EDP-SGX");
        UUID group = UUID.randomUUID();
        ObjectNode body = Fixtures.sgxBuild(app).put("mrenclave", Fixtures.MRENCLAVE.toUpperCase());
        ObjectNode docker = body.putObject("docker_info")
                .put("docker_image_name", "registry.example.com/edp-app")
                .put("docker_version", "1.2.3")
                .put("docker_image_sha", "sha256:" + hex(32, 9))
                .put("docker_image_size", 42);
        docker.putArray("exposed_ports").add(port(443, "Tcp")).add(port(53, "Udp"));
        body.put("mem_size", 256).put("threads", 8).put("group_id", group.toString());
        ObjectNode sgx = body.putObject("attributes").putObject("sgx").put("mrenclave", Fixtures.MRENCLAVE);
        sgx.putArray("features").add("sgx2");
        body.set("advanced_settings", fullAdvancedSettings());
        body.putObject("launch_hint").put("azure_resource_template", "{\"resources\":[]}");
        body.put("enable_overlay_filesystem_persistence", false);

        JsonNode created = api.post("/v1/builds", body).expect(200).body();
        JsonNode read = api.get("/v1/builds/" + created.path("build_id").asString()).expect(200).body();

        assertThat(read).isEqualTo(created);
        assertThat(read.path("platform").asString()).isEqualTo("SGX");
        assertThat(read.path("app_id").asString()).isEqualTo(app.toString());
        assertThat(read.path("app_name").asString()).startsWith("edp-sgx-");
        assertThat(read.at("/enclave_info/mrenclave").asString()).isEqualTo(Fixtures.MRENCLAVE);
        assertThat(read.at("/enclave_info/mrsigner").asString()).isEqualTo(Fixtures.MRSIGNER);
        assertThat(read.at("/enclave_info/isvprodid").asInt()).isEqualTo(7);
        assertThat(read.at("/enclave_info/isvsvn").asInt()).isEqualTo(3);
        assertThat(read.at("/attributes/default/sgx/mrenclave").asString()).isEqualTo(Fixtures.MRENCLAVE);
        assertThat(read.at("/attributes/default/sgx/features/0").asString()).isEqualTo("sgx2");
        assertThat(read.at("/docker_info/docker_image_name").asString()).isEqualTo("registry.example.com/edp-app");
        assertThat(read.at("/docker_info/docker_version").asString()).isEqualTo("1.2.3");
        assertThat(read.at("/docker_info/docker_image_sha").asString()).isEqualTo("sha256:" + hex(32, 9));
        assertThat(read.at("/docker_info/docker_image_size").asLong()).isEqualTo(42);
        assertThat(read.at("/docker_info/exposed_ports")).isEqualTo(docker.get("exposed_ports"));
        assertThat(read.path("mem_size").asLong()).isEqualTo(256);
        assertThat(read.path("threads").asInt()).isEqualTo(8);
        assertThat(read.path("group_id").asString()).isEqualTo(group.toString());
        assertThat(read.path("advanced_settings")).isEqualTo(fullAdvancedSettings());
        assertThat(read.at("/launch_hint/azure_resource_template").asString()).isEqualTo("{\"resources\":[]}");
        assertThat(read.path("enable_overlay_filesystem_persistence").asBoolean()).isFalse();
        assertThat(read.at("/status/status").asString()).isEqualTo("PENDING");
        assertThat(read.at("/status/status_updated_at").asLong()).isPositive();
        assertThat(read.at("/deployment_status/status").asString()).isEqualTo("UNDEPLOYED");
        assertThat(read.path("created_at").asLong()).isEqualTo(read.path("updated_at").asLong()).isPositive();
        assertPendingTask(read);
    }

    @Test
    void nitroImageWithPcrsIsStoredAndReadBack() {
        UUID app = Fixtures.createApp(api, "EDP-NITRO");
        ObjectNode body = Fixtures.nitroBuild(app, 1).put("mem_size", 2048).put("threads", 2);
        ((ObjectNode) body.at("/attributes/nitro_enclave")).put("pcr8", hex(48, 8).toUpperCase());
        body.put("enable_overlay_filesystem_persistence", true);

        JsonNode read = roundTrip(body);

        assertThat(read.path("platform").asString()).isEqualTo("NITRO");
        assertThat(read.at("/attributes/default/nitro_enclave/hash_algorithm").asString()).isEqualTo("Sha384");
        assertThat(read.at("/attributes/default/nitro_enclave/pcr0").asString()).isEqualTo(hex(48, 1));
        assertThat(read.at("/attributes/default/nitro_enclave/pcr1").asString()).isEqualTo(hex(48, 2));
        assertThat(read.at("/attributes/default/nitro_enclave/pcr2").asString()).isEqualTo(hex(48, 3));
        assertThat(read.at("/attributes/default/nitro_enclave/pcr8").asString()).isEqualTo(hex(48, 8));
        assertThat(read.path("enable_overlay_filesystem_persistence").asBoolean()).isTrue();
        assertThat(read.path("mem_size").asLong()).isEqualTo(2048);
        assertThat(read.has("enclave_info")).isFalse();
        assertPendingTask(read);
    }

    @Test
    void enclaveOsImageDefaultsItsTagAndImageFromTheApp() {
        UUID app = Fixtures.createApp(api, "ENCLAVE_OS");
        ObjectNode body = Api.object().put("app_id", app.toString()).put("mem_size", 1024).put("threads", 2);

        JsonNode read = roundTrip(body);

        assertThat(read.path("platform").asString()).isEqualTo("NITRO");
        assertThat(read.at("/docker_info/docker_image_name").asString()).isEqualTo(Fixtures.UNREACHABLE + "/openccm/nginx");
        assertThat(read.at("/docker_info/docker_version").asString()).isEqualTo("latest");
        assertThat(read.path("enable_overlay_filesystem_persistence").asBoolean()).isFalse();
        assertThat(read.at("/advanced_settings/encryptedDirs")).hasSize(4);
        assertThat(read.at("/advanced_settings/rw_dirs/0").asString()).isEqualTo("/etc/hosts");
        assertThat(read.at("/advanced_settings/certificate/issuer").asString()).isEqualTo("MANAGER_CA");
        assertThat(read.at("/advanced_settings/certificate/keyType").asString()).isEqualTo("RSA");
        assertPendingTask(read);
    }

    @Test
    void aciImageStoresItsPolicyAndTag() {
        UUID app = Fixtures.createApp(api, "ACI");
        String policy = Base64.getEncoder().encodeToString("package policy\napi_version := \"0.10.0\"\n".getBytes());
        ObjectNode body = Fixtures.aciBuild(app, "v1");
        body.putObject("attributes").putObject("aci").put("policy", policy);

        JsonNode read = roundTrip(body);

        assertThat(read.path("platform").asString()).isEqualTo("ACI");
        assertThat(read.at("/attributes/default/aci/policy").asString()).isEqualTo(policy);
        assertThat(read.at("/docker_info/docker_image_name").asString()).isEqualTo(Fixtures.UNREACHABLE + "/library/python");
        assertThat(read.at("/docker_info/docker_version").asString()).isEqualTo("v1");
        assertPendingTask(read);
    }

    @Test
    void azureCvmImageStripsTheConsolePrefixAndKeepsOnlySetPcrs() {
        UUID app = Fixtures.createApp(api, "AZURE_CVM");
        ObjectNode body = Fixtures.cvmBuild(
                app, "pcr0", "0x" + hex(32, 0).toUpperCase(), "pcr7", "0X" + hex(32, 7), "pcr22", hex(32, 22));
        ((ArrayNode) body.at("/attributes/azure_cvm/coprocessors"))
                .addObject()
                .put("attestation", "Required")
                .put("gpu_vendor", "Nvidia");

        JsonNode read = roundTrip(body);

        JsonNode pcrs = read.at("/attributes/default/azure_cvm/pcrs");
        assertThat(read.path("platform").asString()).isEqualTo("AZURE_CVM");
        assertThat(pcrs.path("hash_alg").asString()).isEqualTo("SHA256");
        assertThat(pcrs.path("pcr0").asString()).isEqualTo(hex(32, 0));
        assertThat(pcrs.path("pcr7").asString()).isEqualTo(hex(32, 7));
        assertThat(pcrs.path("pcr22").asString()).isEqualTo(hex(32, 22));
        assertThat(pcrs.has("pcr1")).isFalse();
        assertThat(read.at("/attributes/default/azure_cvm/coprocessors/0/attestation").asString()).isEqualTo("Required");
        assertThat(read.at("/attributes/default/azure_cvm/coprocessors/0/gpu_vendor").asString()).isEqualTo("Nvidia");
        assertPendingTask(read);
    }

    @Test
    void sevSnpImageIsStoredAndReadBack() {
        UUID app = Fixtures.createApp(api, "AMD_SEV_SNP");
        ObjectNode body = Fixtures.snpBuild(app);
        ((ObjectNode) body.at("/attributes/baremetal_amd_sev_snp")).put("vmpl", "vmpl2");
        body.putObject("docker_info").put("docker_image_name", "snp-guest").put("docker_version", "2024.1");

        JsonNode read = roundTrip(body);

        assertThat(read.path("platform").asString()).isEqualTo("SEV_SNP");
        assertThat(read.at("/attributes/default/baremetal_amd_sev_snp/measurement").asString()).isEqualTo(hex(48, 5));
        assertThat(read.at("/attributes/default/baremetal_amd_sev_snp/vmpl").asString()).isEqualTo("vmpl2");
        assertThat(read.at("/attributes/default/baremetal_amd_sev_snp/coprocessors/0/attestation").asString())
                .isEqualTo("Ignored");
        assertThat(read.at("/docker_info/docker_version").asString()).isEqualTo("2024.1");
        assertPendingTask(read);
    }

    @Test
    void tdxImageIsStoredAndReadBack() {
        UUID app = Fixtures.createApp(api, "TDX");

        JsonNode read = roundTrip(Fixtures.tdxBuild(app));

        assertThat(read.path("platform").asString()).isEqualTo("TDX");
        JsonNode tdx = read.at("/attributes/default/baremetal_tdx");
        assertThat(tdx.path("mrtd").asString()).isEqualTo(hex(48, 1));
        assertThat(tdx.path("rtmr0").asString()).isEqualTo(hex(48, 2));
        assertThat(tdx.path("rtmr1").asString()).isEqualTo(hex(48, 3));
        assertThat(tdx.path("rtmr2").asString()).isEqualTo(hex(48, 4));
        assertThat(tdx.path("rtmr3").asString()).isEqualTo(hex(48, 5));
        assertThat(tdx.path("coprocessors")).isEmpty();
        assertPendingTask(read);
    }

    @Test
    void imagesAreListedWithFiltersPagingAndTotals() {
        UUID sgx = Fixtures.createApp(api, "EDP-SGX");
        UUID tdx = Fixtures.createApp(api, "TDX");
        api.post("/v1/builds", Fixtures.sgxBuild(sgx)).expect(200);
        api.post("/v1/builds", Fixtures.sgxBuild(sgx).put("isvsvn", 4)).expect(200);
        api.post("/v1/builds", Fixtures.tdxBuild(tdx)).expect(200);

        JsonNode all = api.get("/v1/builds").expect(200).body();
        JsonNode sgxOnly = api.get("/v1/builds?app_id=" + sgx + "&limit=1&offset=1").expect(200).body();
        JsonNode byPlatform = api.get("/v1/builds?platform=TDX&status=PENDING").expect(200).body();

        assertThat(all.at("/metadata/total_count").asInt()).isEqualTo(3);
        assertThat(all.path("items")).hasSize(3);
        assertThat(sgxOnly.at("/metadata/filtered_count").asInt()).isEqualTo(2);
        assertThat(sgxOnly.at("/metadata/page").asInt()).isEqualTo(2);
        assertThat(sgxOnly.path("items")).hasSize(1);
        assertThat(byPlatform.path("items")).hasSize(1);
        assertThat(byPlatform.at("/items/0/app_id").asString()).isEqualTo(tdx.toString());
        assertThat(api.get("/v1/builds?status=WHITELISTED").expect(200).body().path("items")).isEmpty();
        api.get("/v1/builds?platform=ARM_CCA").rejects("platform");
        api.get("/v1/builds?limit=0").rejects("limit");
    }

    @Test
    void deletingAnImageRemovesItAndCancelsItsTask() {
        UUID app = Fixtures.createApp(api, "TDX");
        JsonNode created = api.post("/v1/builds", Fixtures.tdxBuild(app)).expect(200).body();
        String id = created.path("build_id").asString();

        api.delete("/v1/builds/" + id).expect(204);

        api.get("/v1/builds/" + id).expect(404);
        api.delete("/v1/builds/" + id).expect(404);
        JsonNode task = api.get("/v1/tasks/" + created.path("pending_task_id").asString()).expect(200).body();
        assertThat(task.at("/status/status").asString()).isEqualTo("FAILED");
    }

    @Test
    void theAppCanBeNamedInsteadOfIdentified() {
        ObjectNode app = Fixtures.app("TDX");
        api.post("/v1/apps", app).expect(200);
        ObjectNode body = Fixtures.tdxBuild(UUID.randomUUID());
        body.remove("app_id");
        body.put("app_name", app.path("name").asString());

        assertThat(api.post("/v1/builds", body).expect(200).text("app_name")).isEqualTo(app.path("name").asString());
    }

    private JsonNode roundTrip(ObjectNode body) {
        JsonNode created = api.post("/v1/builds", body).expect(200).body();
        JsonNode read = api.get("/v1/builds/" + created.path("build_id").asString()).expect(200).body();
        assertThat(read).isEqualTo(created);
        return read;
    }

    private void assertPendingTask(JsonNode build) {
        JsonNode task = api.get("/v1/tasks/" + build.path("pending_task_id").asString()).expect(200).body();
        assertThat(task.path("task_type").asString()).isEqualTo("BUILD_WHITELIST");
        assertThat(task.at("/status/status").asString()).isEqualTo("INPROGRESS");
        assertThat(task.path("entity_id").asString()).isEqualTo(build.path("build_id").asString());
        assertThat(task.path("subject_sha256").asString()).hasSize(64);
    }

    private static ObjectNode port(int port, String protocol) {
        return Api.object().put("port", port).put("protocol", protocol);
    }

    static ObjectNode fullAdvancedSettings() {
        ObjectNode a = Api.object();
        a.putArray("entrypoint").add("/bin/app").add("--serve");
        a.putArray("encryptedDirs").add("/data");
        ObjectNode cert = a.putObject("certificate")
                .put("issuer", "MANAGER_CA")
                .put("subject", "app.example.com")
                .put("keyType", "RSA")
                .put("keyPath", "/run/key.pem")
                .put("certPath", "/run/cert.pem");
        cert.putObject("keyParam").put("size", 3072);
        a.put("java_runtime", "JAVA-ORACLE");
        a.putArray("rw_dirs").add("/etc/hosts");
        a.put("allowCmdlineArgs", true);
        a.putArray("manifestEnv").add("MODE=prod");
        a.putArray("mutableEnv").add("LOG=info");
        return a;
    }
}
