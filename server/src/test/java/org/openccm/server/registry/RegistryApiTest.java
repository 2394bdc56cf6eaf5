// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class RegistryApiTest extends ApiTest {
    private static final String SECRET = "s3cret-registry-token-value";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RegistryService registries;

    private UUID account;

    @BeforeEach
    void account() {
        account = api.logInToNewAccount();
    }

    @Test
    void savedCredentialsAreSealedAndNeverReturned() {
        JsonNode created = api.post("/v1/registry", registry("https://Registry.Example.com:5000/", "robot")).expect(200).body();
        String id = created.path("registry_id").asString();

        assertThat(created.path("url").asString()).isEqualTo("registry.example.com:5000");
        assertThat(created.path("username").asString()).isEqualTo("robot");
        assertThat(created.toString()).doesNotContain(SECRET).doesNotContain("password");
        assertThat(api.get("/v1/registry").expect(200).raw().body()).doesNotContain(SECRET);
        assertThat(api.get("/v1/registry/" + id).expect(200).raw().body()).doesNotContain(SECRET);
        byte[] stored = jdbc.sql("SELECT secret_enc FROM registries WHERE id = ?").param(UUID.fromString(id)).query(byte[].class).single();
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
        assertThat(registries.credentialFor(account, "registry.example.com:5000/team/app:1"))
                .contains(new RegistryService.Credential("robot", SECRET));
        assertThat(api.get("/v1/audit?action=registry.created").expect(200).raw().body()).doesNotContain(SECRET);
    }

    @Test
    void anImageNameFindsItsRegistryAndABareNameMeansDockerHub() {
        api.post("/v1/registry", registry("docker.io", "hub-user")).expect(200);
        api.post("/v1/registry", registry("registry.example.com", "robot")).expect(200);

        assertThat(api.get("/v1/image/registry?image_name=library/nginx").expect(200).body().at("/registry/url").asString())
                .isEqualTo("docker.io");
        assertThat(api.get("/v1/image/registry?image_name=registry.example.com/app").expect(200).body().at("/registry/username").asString())
                .isEqualTo("robot");
        assertThat(api.get("/v1/image/registry?image_name=other.example.com/app").expect(200).body().has("registry")).isFalse();
        UUID app = api.post("/v1/apps", Fixtures.app("ENCLAVE_OS")
                        .put("input_image_name", "docker.io/library/nginx")
                        .put("output_image_name", "registry.example.com/nginx-nitro"))
                .expect(200)
                .id("app_id");
        JsonNode forApp = api.get("/v1/registry/app/" + app).expect(200).body();
        assertThat(forApp.at("/input_image_registry/url").asString()).isEqualTo("docker.io");
        assertThat(forApp.at("/output_image_registry/url").asString()).isEqualTo("registry.example.com");
    }

    @Test
    void credentialsArePatchedAndDeleted() {
        String id = api.post("/v1/registry", registry("registry.example.com", "robot")).expect(200).text("registry_id");
        ArrayNode patch = Api.JSON.createArrayNode();
        patch.addObject().put("op", "replace").put("path", "/credential/default/username").put("value", "robot2");
        patch.addObject().put("op", "replace").put("path", "/credential/default/password").put("value", "new-token");

        JsonNode patched = api.send("PATCH", "/v1/registry/" + id, patch).expect(200).body();

        assertThat(patched.path("username").asString()).isEqualTo("robot2");
        assertThat(registries.credentialFor(account, "registry.example.com/app")).contains(new RegistryService.Credential("robot2", "new-token"));
        ArrayNode bad = Api.JSON.createArrayNode();
        bad.addObject().put("op", "replace").put("path", "/account_id").put("value", "x");
        api.send("PATCH", "/v1/registry/" + id, bad).rejects("[0].path");
        api.delete("/v1/registry/" + id).expect(204);
        api.get("/v1/registry/" + id).expect(404);
    }

    @Test
    void registriesAreValidatedUniqueAndPrivateToTheAccount() {
        api.post("/v1/registry", registry("not a host", "robot")).rejects("url");
        api.post("/v1/registry", Api.object().put("url", "registry.example.com")).rejects("credential");
        ObjectNode noUser = Api.object().put("url", "registry.example.com");
        noUser.putObject("credential").putObject("default").put("password", "x");
        api.post("/v1/registry", noUser).rejects("credential.default.username");
        String id = api.post("/v1/registry", registry("registry.example.com", "robot")).expect(200).text("registry_id");
        api.post("/v1/registry", registry("REGISTRY.example.com", "other")).expect(409);

        Api other = api.as(null);
        other.logInToNewAccount();
        other.get("/v1/registry/" + id).expect(404);
        assertThat(other.get("/v1/registry").expect(200).body()).isEmpty();
        api.newMember("VIEWER").post("/v1/registry", registry("viewer.example.com", "robot")).expect(403);
    }

    private static ObjectNode registry(String url, String user) {
        ObjectNode r = Api.object().put("url", url).put("description", "test registry");
        r.putObject("credential").putObject("default").put("username", user).put("password", SECRET);
        return r;
    }
}
