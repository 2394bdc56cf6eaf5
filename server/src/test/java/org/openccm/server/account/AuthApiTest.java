// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class AuthApiTest extends ApiTest {
    @Autowired
    JdbcClient jdbc;

    @Test
    void firstAdminLogsInWithBasicAndGetsAnExpiringBearerToken() {
        Api.Response r = api.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);

        assertThat(r.text("token_type")).isEqualTo("Bearer");
        assertThat(r.body().path("expires_in").asLong()).isBetween(3000L, 3600L);
        assertThat(r.body().path("session_info").path("session_expires_at").asLong())
                .isGreaterThan(System.currentTimeMillis() / 1000);
        assertThat(api.get("/v1/user").expect(200).text("user_email")).isEqualTo(ADMIN_EMAIL);
    }

    @Test
    void passwordsAreStoredAsBcryptHashes() {
        String hash = jdbc.sql("SELECT password_hash FROM users WHERE email = ?")
                .param(ADMIN_EMAIL)
                .query(String.class)
                .single();

        assertThat(hash).startsWith("{bcrypt}$2").doesNotContain(ADMIN_PASSWORD);
    }

    @Test
    void selfSignupIsOffByDefault() {
        api.as(null).post("/v1/users", Api.object().put("user_email", "nobody-" + java.util.UUID.randomUUID() + "@openccm.test")
                .put("user_password", "signup-password")).expect(401);
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSame401() {
        Api.Response wrong = api.logIn(ADMIN_EMAIL, "not-the-password").expect(401);
        Api.Response unknown = api.logIn("nobody@openccm.test", "not-the-password").expect(401);

        assertThat(wrong.text("detail")).isEqualTo(unknown.text("detail")).isEqualTo("invalid email or password");
    }

    @Test
    void requestsWithoutOrWithABadTokenAre401() {
        api.get("/v1/apps").expect(401);
        api.as("not-a-token").get("/v1/apps").expect(401);
        api.as("occm_not-a-key").get("/v1/apps").expect(401);
    }

    @Test
    void aTamperedTokenIsRefused() {
        api.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
        String token = api.token();
        char last = token.charAt(token.length() - 5);
        String tampered = token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 4);

        api.as(tampered).get("/v1/user").expect(401);
    }

    @Test
    void terminatedSessionsStopWorking() {
        api.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
        api.post("/v1/sys/session/terminate", null).expect(204);

        api.get("/v1/user").expect(401);
    }

    @Test
    void aUserWithSeveralAccountsSelectsOnePerSession() {
        UUID first = api.logInToNewAccount();
        api.post("/v1/apps", Api.object().put("name", "in-first").put("type", "AZURE_CVM")).expect(200);

        // a second session of the same user works in another account
        Api other = api.as(null);
        other.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
        other.get("/v1/apps").expect(403);
        UUID second = other.post("/v1/accounts", Api.object().put("name", "second-" + UUID.randomUUID()))
                .expect(200)
                .id("acct_id");
        other.post("/v1/sys/session/select_account/" + second, null).expect(200);

        assertThat(other.get("/v1/apps").expect(200).body().path("items")).isEmpty();
        assertThat(api.get("/v1/apps").expect(200).body().path("items")).hasSize(1);
        assertThat(api.get("/v1/user").expect(200).body().path("selected_account_id").asString())
                .isEqualTo(first.toString());
    }

    @Test
    void selectingAnAccountTheUserIsNotInIs404() {
        api.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);

        api.post("/v1/sys/session/select_account/" + UUID.randomUUID(), null).expect(404);
    }

    @Test
    void apiKeysActInTheirAccountWithTheirRoleAndCanBeRevoked() {
        api.logInToNewAccount();
        Api.Response created = api.post(
                        "/v1/api_keys", Api.object().put("name", "ci").put("role", "VIEWER"))
                .expect(201);
        String secret = created.text("api_key");
        assertThat(secret).startsWith("occm_");
        Api robot = api.as(secret);

        robot.get("/v1/apps").expect(200);
        robot.post("/v1/apps", Api.object().put("name", "x").put("type", "TDX")).expect(403);
        assertThat(api.get("/v1/api_keys").expect(200).body().path("items").get(0).has("api_key"))
                .as("the secret is shown only once")
                .isFalse();

        api.delete("/v1/api_keys/" + created.text("api_key_id")).expect(204);
        robot.get("/v1/apps").expect(401);
    }

    @Test
    void anApiKeyCannotOutrankItsCreator() {
        api.logInToNewAccount();
        String editorEmail = "editor-" + UUID.randomUUID() + "@openccm.test";
        api.post("/v1/users", Api.object()
                        .put("user_email", editorEmail)
                        .put("password", "editor-password-1")
                        .put("role", "EDITOR"))
                .expect(201);
        Api editor = api.as(null);
        editor.logIn(editorEmail, "editor-password-1").expect(200);

        editor.post("/v1/api_keys", Api.object().put("name", "x").put("role", "ADMIN")).expect(403);
    }
}
