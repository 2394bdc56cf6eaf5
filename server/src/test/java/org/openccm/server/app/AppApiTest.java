// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class AppApiTest extends ApiTest {

    @BeforeEach
    void account() {
        api.logInToNewAccount();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"EDP-SGX", "EDP-NITRO", "ENCLAVE_OS", "ACI", "AZURE_CVM", "AMD_SEV_SNP", "TDX"})
    void everyTypeOfAppIsCreatedAndReadBack(String type) {
        ObjectNode request = Fixtures.app(type).put("description", "a " + type + " app").put("mem_size", 512).put("threads", 4);
        request.putObject("labels").put("team", "payments");

        JsonNode created = api.post("/v1/apps", request).expect(200).body();
        JsonNode read = api.get("/v1/apps/" + created.path("app_id").asString()).expect(200).body();

        assertThat(read).isEqualTo(created);
        assertThat(read.path("name").asString()).isEqualTo(request.path("name").asString());
        assertThat(read.path("type").asString()).isEqualTo(request.path("type").asString());
        assertThat(read.path("allowed_domains").get(0).asString()).isEqualTo("app.example.com");
        assertThat(read.path("whitelisted_domains")).isEmpty();
        assertThat(read.path("mem_size").asLong()).isEqualTo(512);
        assertThat(read.path("threads").asInt()).isEqualTo(4);
        assertThat(read.at("/labels/team").asString()).isEqualTo("payments");
    }

    @Test
    void anEnclaveOsAppRunsOnNitroByDefault() {
        JsonNode app = api.post("/v1/apps", Fixtures.app("ENCLAVE_OS")).expect(200).body();

        assertThat(app.path("platform").asString()).isEqualTo("NITRO");
        assertThat(app.path("input_image_name").asString()).isEqualTo(Fixtures.UNREACHABLE + "/openccm/nginx");
        assertThat(app.path("output_image_name").asString()).isEqualTo(Fixtures.UNREACHABLE + "/openccm/nginx-nitro");
    }

    @Test
    void appNamesAreUniqueWithinAnAccountIgnoringCase() {
        ObjectNode app = Fixtures.app("TDX");
        String id = api.post("/v1/apps", app).expect(200).text("app_id");

        Api.Response again = api.post("/v1/apps", app.put("name", app.path("name").asString().toUpperCase()))
                .expect(409);

        assertThat(again.text("field")).isEqualTo("name");
        assertThat(again.text("detail")).contains(id);
    }

    @Test
    void appFieldsAreValidatedByType() {
        api.post("/v1/apps", Fixtures.app("TDX").put("type", "ARM_CCA")).rejects("type");
        api.post("/v1/apps", Fixtures.app("EDP-SGX").put("platform", (String) null)).rejects("platform");
        api.post("/v1/apps", Fixtures.app("EDP-SGX").put("platform", "TDX")).rejects("platform");
        api.post("/v1/apps", Fixtures.app("AZURE_CVM").put("platform", "SGX")).rejects("platform");
        api.post("/v1/apps", Fixtures.app("ACI").put("input_image_name", (String) null)).rejects("input_image_name");
        api.post("/v1/apps", Fixtures.app("ENCLAVE_OS").put("output_image_name", (String) null))
                .rejects("output_image_name");
        api.post("/v1/apps", Fixtures.app("TDX").put("input_image_name", "docker.io/x y")).rejects("input_image_name");
        api.post("/v1/apps", Fixtures.app("TDX").put("name", " ")).rejects("name");
        api.post("/v1/apps", Fixtures.app("TDX").put("threads", 0)).rejects("threads");
        api.post("/v1/apps", Fixtures.app("TDX").put("isvprodid", 70000)).rejects("isvprodid");
        ObjectNode badDomain = Fixtures.app("TDX");
        badDomain.putArray("allowed_domains").add("ok.example.com").add("not a domain");
        api.post("/v1/apps", badDomain).rejects("allowed_domains[1]");
        api.post("/v1/apps", Fixtures.app("TDX").put("owner", "me")).rejects("owner");

        assertThat(api.get("/v1/apps").expect(200).body().path("items")).isEmpty();
    }

    @Test
    void domainsAreNormalized() {
        ObjectNode app = Fixtures.app("TDX");
        app.putArray("allowed_domains").add("API.Example.COM.").add("api.example.com").add("*.svc.example.com");

        JsonNode created = api.post("/v1/apps", app).expect(200).body();

        assertThat(created.path("allowed_domains").toString()).isEqualTo("[\"api.example.com\",\"*.svc.example.com\"]");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"127.0.0.1", "10.0.0.1", "::1", "[::1]", "localhost", "billing"})
    void ipLiteralsAndSingleLabelsAreNotDomainNames(String domain) {
        ObjectNode app = Fixtures.app("TDX");
        app.putArray("allowed_domains").add("api.example.com").add(domain);

        api.post("/v1/apps", app).rejects("allowed_domains[1]");
    }

    @Test
    void anAppIsUpdatedButItsTypeIsFixed() {
        UUID id = Fixtures.createApp(api, "EDP-SGX");
        ObjectNode patch = Api.object().put("description", "new text").put("threads", 16);
        patch.putArray("allowed_domains").add("new.example.com");

        JsonNode updated = api.patch("/v1/apps/" + id, patch).expect(200).body();

        assertThat(updated.path("description").asString()).isEqualTo("new text");
        assertThat(updated.path("threads").asInt()).isEqualTo(16);
        assertThat(updated.path("platform").asString()).isEqualTo("SGX");
        assertThat(updated.path("allowed_domains").get(0).asString()).isEqualTo("new.example.com");
        assertThat(api.get("/v1/apps/" + id).expect(200).body()).isEqualTo(updated);
        api.patch("/v1/apps/" + id, Api.object().put("type", "TDX")).rejects("type");
        api.patch("/v1/apps/" + id, Api.object().put("platform", "NITRO")).rejects("platform");
    }

    @Test
    void anAppWithImagesCannotBeDeletedUntilTheyAreGone() {
        UUID id = Fixtures.createApp(api, "TDX");
        String build = api.post("/v1/builds", Fixtures.tdxBuild(id)).expect(200).text("build_id");

        api.delete("/v1/apps/" + id).expect(409);
        api.delete("/v1/builds/" + build).expect(204);
        api.delete("/v1/apps/" + id).expect(204);

        api.get("/v1/apps/" + id).expect(404);
    }

    @Test
    void appsAreSearchedAndPaged() {
        api.post("/v1/apps", Fixtures.app("TDX").put("name", "payments-api").put("description", "card payments"))
                .expect(200);
        api.post("/v1/apps", Fixtures.app("TDX").put("name", "ledger")).expect(200);

        JsonNode search = api.get("/v1/apps?all_search=PAYMENT").expect(200).body();
        JsonNode byName = api.get("/v1/apps?name=ledger").expect(200).body();
        JsonNode paged = api.get("/v1/apps?limit=1").expect(200).body();

        assertThat(search.path("items")).hasSize(1);
        assertThat(search.at("/metadata/total_count").asInt()).isEqualTo(2);
        assertThat(byName.at("/items/0/name").asString()).isEqualTo("ledger");
        assertThat(paged.path("items")).hasSize(1);
        assertThat(paged.at("/metadata/pages").asInt()).isEqualTo(2);
    }
}
