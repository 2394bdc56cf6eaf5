// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openccm.server.Fixtures.hex;

import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Every rule of the image API refuses with a 400 that names the field, and writes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuildValidationTest extends ApiTest {
    private String token;
    private String baseUrl;
    private UUID sgx;
    private UUID nitro;
    private UUID cvm;
    private UUID snp;
    private UUID tdx;
    private UUID enclaveOs;

    @BeforeAll
    void apps(@org.springframework.boot.test.web.server.LocalServerPort int port) {
        baseUrl = "http://127.0.0.1:" + port;
        Api admin = new Api(baseUrl);
        admin.logInToNewAccount();
        token = admin.token();
        sgx = Fixtures.createApp(admin, "EDP-SGX");
        nitro = Fixtures.createApp(admin, "EDP-NITRO");
        cvm = Fixtures.createApp(admin, "AZURE_CVM");
        snp = Fixtures.createApp(admin, "AMD_SEV_SNP");
        tdx = Fixtures.createApp(admin, "TDX");
        enclaveOs = Fixtures.createApp(admin, "ENCLAVE_OS");
    }

    record Case(String name, Function<BuildValidationTest, ObjectNode> body, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case sgx(String name, Consumer<ObjectNode> change, String field) {
        return new Case(name, t -> with(Fixtures.sgxBuild(t.sgx), change), field);
    }

    static Case nitro(String name, Consumer<ObjectNode> change, String field) {
        return new Case(name, t -> with(Fixtures.nitroBuild(t.nitro, 1), change), field);
    }

    static Case cvm(String name, Consumer<ObjectNode> change, String field) {
        return new Case(name, t -> with(Fixtures.cvmBuild(t.cvm, "pcr0", hex(32, 1)), change), field);
    }

    static Case snp(String name, Consumer<ObjectNode> change, String field) {
        return new Case(name, t -> with(Fixtures.snpBuild(t.snp), change), field);
    }

    static Case tdx(String name, Consumer<ObjectNode> change, String field) {
        return new Case(name, t -> with(Fixtures.tdxBuild(t.tdx), change), field);
    }

    static Case enclaveOs(String name, Consumer<ObjectNode> change, String field) {
        return new Case(name, t -> with(Api.object().put("app_id", t.enclaveOs.toString()), change), field);
    }

    static ObjectNode with(ObjectNode body, Consumer<ObjectNode> change) {
        change.accept(body);
        return body;
    }

    static ObjectNode at(ObjectNode body, String pointer) {
        return (ObjectNode) body.at(pointer);
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                        // hex values: exact length per field, hex digits only
                        sgx("MRENCLAVE of 31 bytes", b -> b.put("mrenclave", hex(31, 1)), "mrenclave"),
                        sgx("MRENCLAVE not hex", b -> b.put("mrenclave", "z".repeat(64)), "mrenclave"),
                        sgx("MRSIGNER of 33 bytes", b -> b.put("mrsigner", hex(33, 1)), "mrsigner"),
                        sgx("MRSIGNER missing", b -> b.remove("mrsigner"), "mrsigner"),
                        nitro("PCR0 of SHA-256 length", b -> at(b, "/attributes/nitro_enclave").put("pcr0", hex(32, 1)),
                                "attributes.nitro_enclave.pcr0"),
                        nitro("PCR2 missing", b -> at(b, "/attributes/nitro_enclave").remove("pcr2"),
                                "attributes.nitro_enclave.pcr2"),
                        nitro("PCR8 not hex", b -> at(b, "/attributes/nitro_enclave").put("pcr8", "g".repeat(96)),
                                "attributes.nitro_enclave.pcr8"),
                        cvm("CVM PCR of SHA-384 length",
                                b -> at(b, "/attributes/azure_cvm/pcrs").put("pcr5", hex(48, 1)),
                                "attributes.azure_cvm.pcrs.pcr5"),
                        cvm("CVM PCR with 0x but short",
                                b -> at(b, "/attributes/azure_cvm/pcrs").put("pcr3", "0x" + hex(31, 1)),
                                "attributes.azure_cvm.pcrs.pcr3"),
                        snp("SNP measurement of 32 bytes",
                                b -> at(b, "/attributes/baremetal_amd_sev_snp").put("measurement", hex(32, 1)),
                                "attributes.baremetal_amd_sev_snp.measurement"),
                        tdx("TDX MRTD of 32 bytes", b -> at(b, "/attributes/baremetal_tdx").put("mrtd", hex(32, 1)),
                                "attributes.baremetal_tdx.mrtd"),
                        tdx("TDX RTMR3 missing", b -> at(b, "/attributes/baremetal_tdx").remove("rtmr3"),
                                "attributes.baremetal_tdx.rtmr3"),
                        // number ranges
                        sgx("ISVPRODID above 65535", b -> b.put("isvprodid", 65536), "isvprodid"),
                        sgx("ISVSVN negative", b -> b.put("isvsvn", -1), "isvsvn"),
                        sgx("ISVSVN not a number", b -> b.put("isvsvn", "three"), "isvsvn"),
                        sgx("mem_size zero", b -> b.put("mem_size", 0), "mem_size"),
                        sgx("port 0", b -> b.putObject("docker_info").put("docker_image_name", "x").putArray(
                                        "exposed_ports").addObject().put("port", 0).put("protocol", "Tcp"),
                                "docker_info.exposed_ports[0].port"),
                        sgx("port 65536", b -> b.putObject("docker_info").put("docker_image_name", "x").putArray(
                                        "exposed_ports").addObject().put("port", 65536).put("protocol", "Udp"),
                                "docker_info.exposed_ports[0].port"),
                        // enums exactly as documented
                        sgx("protocol TCP in upper case", b -> b.putObject("docker_info").put("docker_image_name", "x")
                                        .putArray("exposed_ports").addObject().put("port", 80).put("protocol", "TCP"),
                                "docker_info.exposed_ports[0].protocol"),
                        nitro("hash algorithm Sha256",
                                b -> at(b, "/attributes/nitro_enclave").put("hash_algorithm", "Sha256"),
                                "attributes.nitro_enclave.hash_algorithm"),
                        cvm("hash_alg SHA384", b -> at(b, "/attributes/azure_cvm/pcrs").put("hash_alg", "SHA384"),
                                "attributes.azure_cvm.pcrs.hash_alg"),
                        cvm("hash_alg missing", b -> at(b, "/attributes/azure_cvm/pcrs").remove("hash_alg"),
                                "attributes.azure_cvm.pcrs.hash_alg"),
                        snp("VMPL4", b -> at(b, "/attributes/baremetal_amd_sev_snp").put("vmpl", "vmpl4"),
                                "attributes.baremetal_amd_sev_snp.vmpl"),
                        snp("coprocessor attestation Maybe",
                                b -> ((ObjectNode) b.at("/attributes/baremetal_amd_sev_snp/coprocessors/0"))
                                        .put("attestation", "Maybe"),
                                "attributes.baremetal_amd_sev_snp.coprocessors[0].attestation"),
                        snp("coprocessor vendor AMD",
                                b -> ((ObjectNode) b.at("/attributes/baremetal_amd_sev_snp/coprocessors/0"))
                                        .put("gpu_vendor", "Amd"),
                                "attributes.baremetal_amd_sev_snp.coprocessors[0].gpu_vendor"),
                        sgx("certificate issuer ACME",
                                b -> b.putObject("advanced_settings").putObject("certificate").put("issuer", "ACME"),
                                "advanced_settings.certificate.issuer"),
                        sgx("key type EC",
                                b -> b.putObject("advanced_settings").putObject("certificate").put("keyType", "EC"),
                                "advanced_settings.certificate.keyType"),
                        sgx("java runtime GRAAL", b -> b.putObject("advanced_settings").put("java_runtime", "GRAAL"),
                                "advanced_settings.java_runtime"),
                        // attributes must fit the app's type
                        cvm("SGX attributes on a CVM app",
                                b -> at(b, "/attributes").putObject("sgx").put("mrenclave", hex(32, 1)),
                                "attributes.sgx"),
                        sgx("Nitro attributes on an SGX app", b -> b.putObject("attributes").putObject("nitro_enclave"),
                                "attributes.nitro_enclave"),
                        cvm("CVM without attributes", b -> b.remove("attributes"), "attributes.azure_cvm"),
                        tdx("MRENCLAVE on a TDX app", b -> b.put("mrenclave", hex(32, 1)), "mrenclave"),
                        snp("ISVPRODID on an SNP app", b -> b.put("isvprodid", 1), "isvprodid"),
                        tdx("file persistence on a TDX app", b -> b.put("enable_overlay_filesystem_persistence", true),
                                "enable_overlay_filesystem_persistence"),
                        // unknown fields
                        sgx("unknown top-level field", b -> b.put("colour", "blue"), "colour"),
                        cvm("PCR23", b -> at(b, "/attributes/azure_cvm/pcrs").put("pcr23", hex(32, 1)),
                                "attributes.azure_cvm.pcrs.pcr23"),
                        enclaveOs("unknown docker_info field",
                                b -> b.putObject("docker_info").put("docker_image_name", "x").put("digest", "y"),
                                "docker_info.digest"),
                        // references and formats
                        sgx("app_id of no app", b -> b.put("app_id", UUID.randomUUID().toString()), "app_id"),
                        sgx("app_id not a UUID", b -> b.put("app_id", "app-1"), "app_id"),
                        sgx("no app at all", b -> b.remove("app_id"), "app_id"),
                        enclaveOs("an upper-case repository", b -> b.putObject("docker_info").put("docker_image_name", "registry.example.com/UPPER"),
                                "docker_info.docker_image_name"),
                        enclaveOs("a repository with its tag", b -> b.putObject("docker_info").put("docker_image_name", "registry.example.com/app:bad!tag"),
                                "docker_info.docker_image_name"),
                        enclaveOs("a repository with a digest", b -> b.putObject("docker_info").put("docker_image_name", "registry.example.com/app@sha256:x"),
                                "docker_info.docker_image_name"),
                        enclaveOs("an empty path component", b -> b.putObject("docker_info").put("docker_image_name", "registry.example.com/a//b"),
                                "docker_info.docker_image_name"),
                        enclaveOs("a leading separator", b -> b.putObject("docker_info").put("docker_image_name", "-bad/name"),
                                "docker_info.docker_image_name"),
                        enclaveOs("bad tag", b -> b.putObject("docker_info").put("docker_version", "-latest"),
                                "docker_info.docker_version"),
                        enclaveOs("bad image digest",
                                b -> b.putObject("docker_info").put("docker_image_sha", "md5:abc"),
                                "docker_info.docker_image_sha"),
                        sgx("launch hint without template", b -> b.putObject("launch_hint"),
                                "launch_hint.azure_resource_template"))
                .map(c -> Arguments.of(c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void refusesWithTheFieldNamed(Case c) {
        Api admin = api.as(token);
        int before = count(admin, "/v1/builds");
        int tasksBefore = count(admin, "/v1/tasks");

        Api.Response r = admin.post("/v1/builds", c.body().apply(this)).rejects(c.field());

        assertThat(r.text("code")).isEqualTo("invalid_field");
        assertThat(r.text("detail")).startsWith(c.field() + ": ");
        assertThat(count(admin, "/v1/builds")).as("no image written").isEqualTo(before);
        assertThat(count(admin, "/v1/tasks")).as("no task written").isEqualTo(tasksBefore);
    }

    @Test
    void malformedJsonIsA400NamingTheBody() {
        api.as(token).postText("/v1/builds", "{\"app_id\": ").rejects("body");
        api.as(token).postText("/v1/builds", "").rejects("body");
    }

    @Test
    void anOversizedBodyIs413() {
        String huge = "{\"app_id\":\"" + sgx + "\",\"padding\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}";

        Api.Response r = api.as(token).postText("/v1/builds", huge).expect(413);

        assertThat(r.text("code")).isEqualTo("body_too_large");
    }

    @Test
    void aChunkedOversizedBodyIsCutOffWith413() {
        byte[] huge = ("{\"app_id\":\"" + sgx + "\",\"padding\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}").getBytes();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/v1/builds"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge)));

        Api.send(request).expect(413);
    }

    @Test
    void hexIsStoredInLowerCase() {
        JsonNode b = api.as(token)
                .post("/v1/builds", Fixtures.sgxBuild(sgx).put("mrsigner", Fixtures.MRSIGNER.toUpperCase()))
                .expect(200)
                .body();

        assertThat(b.at("/enclave_info/mrsigner").asString()).isEqualTo(Fixtures.MRSIGNER);
    }

    private String baseUrl() {
        return baseUrl;
    }

    private static int count(Api api, String path) {
        return api.get(path + "?limit=1").expect(200).body().at("/metadata/total_count").asInt();
    }
}
