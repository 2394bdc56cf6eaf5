// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fortanix's self-signup ({@code POST /v1/users} without a session) on a server that turned it on; AuthApiTest proves
 * it is refused by default. A logged-in caller still adds members, and only as an ADMIN.
 */
@TestPropertySource(properties = "openccm.auth.self-signup=true")
class SelfSignupTest extends ApiTest {
    @Test
    void aNewUserSignsUpLogsInAndMakesAnAccountOfTheirOwn() {
        String email = "signup-" + UUID.randomUUID() + "@openccm.test";
        Api anonymous = api.as(null);

        JsonNode user = anonymous.post("/v1/users", Api.object().put("user_email", email).put("user_password", "signup-password")
                .put("first_name", "Ada").put("recaptcha_response", "ignored")).expect(201).body();

        assertThat(user.path("user_email").asString()).isEqualTo(email);
        assertThat(user.path("first_name").asString()).isEqualTo("Ada");
        assertThat(user.path("roles")).isEmpty();
        assertThat(user.has("user_password")).isFalse();
        anonymous.logIn(email, "signup-password").expect(200);
        assertThat(anonymous.get("/v1/user").expect(200).body().path("user_id").asString()).isEqualTo(user.path("user_id").asString());
        assertThat(anonymous.get("/v1/accounts").expect(200).body().path("items")).as("a member of nothing yet").isEmpty();
        anonymous.post("/v1/accounts", Api.object().put("name", "signed-up-" + UUID.randomUUID())).expect(200);
    }

    @Test
    void aKnownEmailAWeakPasswordAndAMissingEmailAreRefused() {
        String email = "twice-" + UUID.randomUUID() + "@openccm.test";
        Api anonymous = api.as(null);
        anonymous.post("/v1/users", Api.object().put("user_email", email).put("user_password", "signup-password")).expect(201);

        assertThat(anonymous.post("/v1/users", Api.object().put("user_email", email.toUpperCase()).put("user_password", "another-password"))
                .expect(409).text("field")).isEqualTo("user_email");
        anonymous.post("/v1/users", Api.object().put("user_email", "short-" + UUID.randomUUID() + "@openccm.test").put("user_password", "short"))
                .rejects("user_password");
        anonymous.post("/v1/users", Api.object().put("user_password", "signup-password")).rejects("user_email");
        anonymous.logIn(email, "another-password").expect(401);
    }

    @Test
    void anInvitedEmailSignsUpAsTheUserItsInvitationNamed() {
        api.logInToNewAccount();
        String email = "invited-" + UUID.randomUUID() + "@openccm.test";
        ObjectNode invite = Api.object().put("user_email", email);
        invite.putArray("roles").add("WRITER");
        String invitedId = api.post("/v1/users/invite", invite).expect(201).text("user_id");

        JsonNode user = api.as(null).post("/v1/users", Api.object().put("user_email", email).put("user_password", "invited-password"))
                .expect(201).body();

        assertThat(user.path("user_id").asString()).isEqualTo(invitedId);
        Api invited = api.as(null);
        invited.logIn(email, "invited-password").expect(200);
        JsonNode invitations = invited.get("/v1/user/invitations").expect(200).body().path("items");
        assertThat(invitations).hasSize(1);
        invited.post("/v1/user/invitations/" + invitations.path(0).path("invitation_id").asString() + "/accept", null).expect(200);
        assertThat(invited.get("/v1/accounts").expect(200).body().path("items")).hasSize(1);
        api.as(null).post("/v1/users", Api.object().put("user_email", email).put("user_password", "another-password")).expect(409);
    }

    @Test
    void withASessionItStillAddsAMemberAndOnlyForAnAdmin() {
        api.logInToNewAccount();
        Api viewer = api.newMember("VIEWER");

        JsonNode added = api.post("/v1/users", Api.object().put("user_email", "member-" + UUID.randomUUID() + "@openccm.test")
                .put("password", "member-password").put("role", "EDITOR")).expect(201).body();

        assertThat(added.path("role").asString()).isEqualTo("EDITOR");
        assertThat(added.has("account_id")).isTrue();
        viewer.post("/v1/users", Api.object().put("user_email", "no-" + UUID.randomUUID() + "@openccm.test")
                .put("password", "member-password").put("role", "EDITOR")).expect(403);
    }
}
