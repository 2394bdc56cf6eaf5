// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import tools.jackson.databind.JsonNode;

/**
 * What a client written for Fortanix CCM does differently from OpenCCM's own, each answered as Fortanix's description
 * says: the token in an {@code Authentication} header, JSON bodies without a Content-Type, apps without a type and
 * with image names, roles and task statuses in Fortanix's spellings, discovery without a token, session refresh.
 */
class FortanixClientTest extends ApiTest {
    private Api.Response fortanix(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authentication", "Bearer " + token);
        }
        return Api.send(request);
    }

    @Test
    void aFortanixClientLogsInCreatesAnAppAndFollowsItsTask() {
        api.logInToNewAccount();
        String token = api.token();

        Api.Response version = fortanix("GET", "/v1/sys/version", null, null);
        Api.Response discover = fortanix("POST", "/v1/sys/auth/discover", null, "{\"user_email\": \"someone@example.com\"}");
        Api.Response user = fortanix("GET", "/v1/user", token, null);
        Api.Response rawToken = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/v1/user")).header("Authentication", token).GET());
        Api.Response badToken = fortanix("GET", "/v1/user", token + "x", null);
        Api.Response app = fortanix("POST", "/v1/apps", token, "{\"name\": \"fortanix-" + UUID.randomUUID()
                + "\", \"input_image_name\": \"127.0.0.1:9/in\", \"output_image_name\": \"127.0.0.1:9/out\","
                + " \"allowed_domains\": [\"fortanix.example.com\"]}");

        assertThat(version.status()).isEqualTo(200);
        assertThat(discover.status()).isEqualTo(200);
        assertThat(discover.body().at("/auth_methods/0").has("password")).isTrue();
        assertThat(user.status()).isEqualTo(200);
        assertThat(user.body().path("roles").get(0).asString()).isEqualTo("MANAGER");
        assertThat(user.body().path("role").asString()).isEqualTo("ADMIN");
        assertThat(rawToken.status()).isEqualTo(200);
        assertThat(badToken.status()).isEqualTo(401);
        assertThat(app.status()).as(app.raw().body()).isEqualTo(200);
        assertThat(app.body().path("type").asString()).isEqualTo("ENCLAVE_OS");
        assertThat(app.body().path("default_build_settings").isObject()).isTrue();
        assertThat(app.body().path("isvprodid").isInt()).isTrue();

        String task = app.body().path("pending_task_id").asString();
        JsonNode inProgress = fortanix("GET", "/v1/tasks?status=INPROGRESS", token, null).expect(200).body();
        JsonNode legacy = fortanix("GET", "/v1/tasks?status=PENDING", token, null).expect(200).body();
        assertThat(inProgress.path("items").findValuesAsString("task_id")).contains(task);
        assertThat(legacy.path("items").findValuesAsString("task_id")).contains(task);
        assertThat(fortanix("GET", "/v1/tasks/" + task, token, null).expect(200).body().at("/status/status").asString())
                .isEqualTo("INPROGRESS");
        JsonNode decided = fortanix("PATCH", "/v1/tasks/" + task, token, "{\"status\": \"APPROVED\"}").expect(200).body();
        assertThat(decided.at("/status/status").asString()).isEqualTo("SUCCESS");
    }

    @Test
    void anAccountAnswersWithFortanixsRequiredFieldsAndAMemberMayBeAddedAsAReader() {
        api.logInToNewAccount();
        String token = api.token();

        JsonNode account = fortanix("POST", "/v1/accounts", token, "{\"name\": \"fortanix-" + UUID.randomUUID()
                + "\", \"custom_logo\": \"\", \"node_enrollment\": {\"attestation_enforcement_disabled_insecure\": false}}")
                .expect(200).body();
        fortanix("POST", "/v1/sys/session/select_account/" + account.path("acct_id").asString(), token, null).expect(200);
        Api.Response member = fortanix("POST", "/v1/users", token, "{\"user_email\": \"reader-" + UUID.randomUUID()
                + "@openccm.test\", \"password\": \"reader-password-1\", \"role\": \"READER\"}");

        assertThat(account.path("component").asString()).isEqualTo("DEFAULT");
        assertThat(account.at("/node_enrollment/attestation_enforcement_disabled_insecure").asBoolean()).isFalse();
        assertThat(account.path("roles").get(0).asString()).isEqualTo("MANAGER");
        assertThat(member.status()).as(member.raw().body()).isEqualTo(201);
        assertThat(member.body().path("role").asString()).isEqualTo("VIEWER");
        assertThat(member.body().path("roles").get(0).asString()).isEqualTo("READER");
    }

    @Test
    void aRefreshKeepsTheSameTokenWorkingUntilLaterAndATerminatedSessionCannotBeRefreshed() {
        api.logInToNewAccount();
        String token = api.token();
        long before = fortanix("POST", "/v1/sys/session/select_account/" + api.get("/v1/user").body().path("selected_account_id").asString(),
                token, null).expect(200).body().at("/session_info/session_token_expires_at").asLong();

        JsonNode refreshed = fortanix("POST", "/v1/sys/session/refresh", token, null).expect(200).body().path("session_info");

        assertThat(refreshed.path("session_token_expires_at").asLong()).isGreaterThanOrEqualTo(before);
        assertThat(refreshed.path("session_expires_at").asLong()).isGreaterThanOrEqualTo(refreshed.path("session_token_expires_at").asLong());
        fortanix("GET", "/v1/user", token, null).expect(200);
        fortanix("POST", "/v1/sys/session/terminate", token, null).expect(204);
        assertThat(fortanix("POST", "/v1/sys/session/refresh", token, null).status()).isEqualTo(401);
    }

    @Test
    void aWithdrawnTaskIsDeniedAndOnRecordAndItsStatusIsReadableByIdAlone() {
        api.logInToNewAccount();
        String token = api.token();
        JsonNode app = api.post("/v1/apps", org.openccm.server.Fixtures.app("TDX")).expect(200).body();
        String task = app.path("pending_task_id").asString();

        JsonNode before = fortanix("GET", "/v1/tasks/status/" + task, null, null).expect(200).body();
        Api.Response withdrawn = fortanix("DELETE", "/v1/tasks/" + task, token, null);
        Api.Response again = fortanix("DELETE", "/v1/tasks/" + task, token, null);
        JsonNode after = fortanix("GET", "/v1/tasks/status/" + task, null, null).expect(200).body();

        assertThat(before.at("/task_status/status").asString()).isEqualTo("INPROGRESS");
        assertThat(before.has("subject")).as("nothing but the status is told without a token").isFalse();
        assertThat(withdrawn.status()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(409);
        assertThat(after.at("/task_status/status").asString()).isEqualTo("DENIED");
        assertThat(api.get("/v1/tasks/" + task).expect(200).body().at("/status/status").asString()).isEqualTo("DENIED");
        assertThat(fortanix("GET", "/v1/tasks/status/" + UUID.randomUUID(), null, null).status()).isEqualTo(404);
    }

    @Test
    void membersAreReadChangedAndRemovedAndAnAccountKeepsItsLastAdmin() {
        UUID account = api.logInToNewAccount();
        String token = api.token();
        Api member = api.newMember("VIEWER");
        UUID memberId = member.userId();
        UUID me = api.userId();

        JsonNode read = fortanix("GET", "/v1/users/" + memberId, token, null).expect(200).body();
        JsonNode promoted = fortanix("PATCH", "/v1/users/" + memberId, token, "{\"roles\": [\"WRITER\"]}").expect(200).body();
        Api.Response notMyName = fortanix("PATCH", "/v1/users/" + memberId, token, "{\"first_name\": \"Eve\"}");
        JsonNode renamedMe = fortanix("PATCH", "/v1/users/" + me, token, "{\"first_name\": \"Ada\"}").expect(200).body();
        Api.Response lastAdminLeaves = fortanix("DELETE", "/v1/users/" + me + "/accounts", token, null);
        Api.Response lastAdminDemoted = fortanix("PATCH", "/v1/users/" + me, token, "{\"roles\": [\"READER\"]}");
        JsonNode mine = fortanix("GET", "/v1/users/" + me + "/accounts", token, null).expect(200).body();
        Api.Response others = fortanix("GET", "/v1/users/" + memberId + "/accounts", token, null);
        JsonNode renamed = fortanix("PATCH", "/v1/accounts/" + account, token, "{\"name\": \"renamed-" + account + "\", \"custom_logo\": \"x\"}")
                .expect(200).body();
        Api.Response removed = fortanix("DELETE", "/v1/users/" + memberId + "/accounts", token, null);

        assertThat(read.path("roles").get(0).asString()).isEqualTo("READER");
        assertThat(promoted.path("role").asString()).isEqualTo("EDITOR");
        assertThat(notMyName.status()).isEqualTo(403);
        assertThat(renamedMe.path("first_name").asString()).isEqualTo("Ada");
        assertThat(lastAdminLeaves.status()).isEqualTo(409);
        assertThat(lastAdminDemoted.status()).isEqualTo(409);
        assertThat(mine.path(account.toString()).path("roles").get(0).asString()).isEqualTo("MANAGER");
        assertThat(others.status()).as("an ADMIN sees a member's accounts that it administers too").isEqualTo(200);
        assertThat(others.body().path(account.toString()).path("roles").get(0).asString()).isEqualTo("WRITER");
        assertThat(renamed.path("name").asString()).isEqualTo("renamed-" + account);
        assertThat(removed.status()).isEqualTo(204);
        assertThat(fortanix("GET", "/v1/users/" + memberId, token, null).status()).isEqualTo(404);
        assertThat(member.get("/v1/apps").status()).as("a removed member's session has no role in the account").isEqualTo(403);
    }

    @Test
    void labelsAreCountedAndARegistryCredentialIsReplacedWhole() {
        api.logInToNewAccount();
        String token = api.token();
        for (String tier : List.of("gold", "gold", "silver")) {
            var app = org.openccm.server.Fixtures.app("TDX");
            app.putObject("labels").put("tier", tier);
            api.post("/v1/apps", app).expect(200);
        }
        String registry = api.post("/v1/registry", Api.JSON.readTree(
                        "{\"url\": \"registry.example.com\", \"credential\": {\"default\": {\"username\": \"a\", \"password\": \"b\"}}}"))
                .expect(200).text("registry_id");

        JsonNode labels = fortanix("GET", "/v1/apps/unique_labels/count", token, null).expect(200).body();
        JsonNode patched = fortanix("PATCH", "/v1/registry/" + registry, token,
                "[{\"op\": \"replace\", \"path\": \"/credential\", \"value\": {\"default\": {\"username\": \"robot\", \"password\": \"s3cret\"}}}]")
                .expect(200).body();
        Api.Response incomplete = fortanix("PATCH", "/v1/registry/" + registry, token,
                "[{\"op\": \"replace\", \"path\": \"/credential\", \"value\": {\"default\": {\"username\": \"robot\"}}}]");

        assertThat(labels.path("items").toString())
                .contains("{\"key\":\"tier\",\"value\":\"gold\",\"count\":2}")
                .contains("{\"key\":\"tier\",\"value\":\"silver\",\"count\":1}");
        assertThat(patched.path("username").asString()).isEqualTo("robot");
        assertThat(patched.toString()).doesNotContain("s3cret");
        assertThat(incomplete.status()).isEqualTo(400);
        assertThat(incomplete.body().path("field").asString()).isEqualTo("[0].value");
    }

    @Test
    void imageAttributesComeInEitherShapeAndAMapHoldsOneEntry() {
        api.logInToNewAccount();
        String token = api.token();
        UUID app = org.openccm.server.Fixtures.approvedNitroApp(api, "shapes.example.com");
        String nitro = "{\"hash_algorithm\": \"Sha384\", \"pcr0\": \"" + org.openccm.server.Fixtures.hex(48, 81) + "\", \"pcr1\": \""
                + org.openccm.server.Fixtures.hex(48, 82) + "\", \"pcr2\": \"" + org.openccm.server.Fixtures.hex(48, 83) + "\"}";

        Api.Response mapShape = fortanix("POST", "/v1/builds", token,
                "{\"app_id\": \"" + app + "\", \"attributes\": {\"default\": {\"nitro_enclave\": " + nitro + "}}}");
        Api.Response twoEntries = fortanix("POST", "/v1/builds", token, "{\"app_id\": \"" + app + "\", \"attributes\": {\"a\": {\"nitro_enclave\": "
                + nitro + "}, \"b\": {\"nitro_enclave\": " + nitro + "}}}");
        Api.Response unknownInside = fortanix("POST", "/v1/builds", token,
                "{\"app_id\": \"" + app + "\", \"attributes\": {\"default\": {\"nitro_enclave\": " + nitro + ", \"owner\": 1}}}");

        assertThat(mapShape.status()).as(mapShape.raw().body()).isEqualTo(200);
        assertThat(mapShape.body().at("/attributes/default/nitro_enclave/pcr0").asString()).isEqualTo(org.openccm.server.Fixtures.hex(48, 81));
        assertThat(twoEntries.status()).isEqualTo(400);
        assertThat(twoEntries.body().path("field").asString()).isEqualTo("attributes");
        assertThat(unknownInside.status()).isEqualTo(400);
    }

    @Test
    void aBuildKeepsItsConfigsAndTheyAreObjects() {
        api.logInToNewAccount();
        String token = api.token();
        UUID app = org.openccm.server.Fixtures.approvedNitroApp(api, "configs.example.com");
        String build = org.openccm.server.Fixtures.nitroImage(api, app, List.of(org.openccm.server.Fixtures.hex(48, 61),
                org.openccm.server.Fixtures.hex(48, 62), org.openccm.server.Fixtures.hex(48, 63))).path("build_id").asString();

        JsonNode patched = fortanix("PATCH", "/v1/builds/" + build, token, "{\"configs\": {\"cfg-1\": {\"path\": \"/etc/app.conf\"}}}")
                .expect(200).body();
        Api.Response notAnObject = fortanix("PATCH", "/v1/builds/" + build, token, "{\"configs\": {\"cfg-1\": \"text\"}}");
        JsonNode unchanged = fortanix("PATCH", "/v1/builds/" + build, token, "{}").expect(200).body();

        assertThat(patched.at("/configs/cfg-1/path").asString()).isEqualTo("/etc/app.conf");
        assertThat(notAnObject.status()).isEqualTo(400);
        assertThat(notAnObject.body().path("field").asString()).isEqualTo("configs.cfg-1");
        assertThat(unchanged.at("/configs/cfg-1/path").asString()).isEqualTo("/etc/app.conf");
        assertThat(api.get("/v1/builds/" + build).expect(200).body().at("/configs/cfg-1/path").asString()).isEqualTo("/etc/app.conf");
    }
}
