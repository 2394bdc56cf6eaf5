// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import tools.jackson.databind.JsonNode;

/**
 * An account admin cannot learn about, or enrol, another tenant's user: adding an existing e-mail answers exactly as
 * adding a new one, shows nothing of the user, and only invites them; the user accepts or declines. Account names are
 * unique per owner, so another tenant's account name is neither refused nor revealed.
 */
class InvitationTest extends ApiTest {
    private Api tenantA;
    private Api userOfB;
    private String emailOfB;

    @BeforeEach
    void twoTenants() {
        api.logInToNewAccount();
        emailOfB = "b-user-" + UUID.randomUUID() + "@openccm.test";
        api.post("/v1/users", Api.object().put("user_email", emailOfB).put("password", "b-users-own-password").put("role", "ADMIN")
                .put("first_name", "Bea").put("last_name", "Secret")).expect(201);
        userOfB = api.as(null);
        userOfB.logIn(emailOfB, "b-users-own-password").expect(200);

        tenantA = api.as(null);
        tenantA.logInToNewAccount();
    }

    @Test
    void addingAnotherTenantsUserAnswersAsForANewEmailAndOnlyInvites() {
        String unknown = "new-" + UUID.randomUUID() + "@openccm.test";
        Api.Response forExisting = tenantA.post("/v1/users", Api.object().put("user_email", emailOfB).put("password", "attacker-chosen-pw")
                .put("role", "ADMIN")).expect(201);
        Api.Response forNew = tenantA.post("/v1/users", Api.object().put("user_email", unknown).put("password", "attacker-chosen-pw")
                .put("role", "ADMIN")).expect(201);

        assertThat(fieldNames(forExisting.body())).isEqualTo(fieldNames(forNew.body()))
                .containsExactly("user_id", "user_email", "roles", "role", "account_id");
        assertThat(forExisting.raw().body()).doesNotContain("Bea", "Secret", "last_logged_in");
        assertThat(tenantA.get("/v1/users").expect(200).raw().body()).doesNotContain(emailOfB);
        userOfB.as(null).logIn(emailOfB, "attacker-chosen-pw").expect(401);
        userOfB.as(null).logIn(emailOfB, "b-users-own-password").expect(200);
    }

    @Test
    void theSameRefusalForKnownAndUnknownEmails() {
        Api.Response known = tenantA.post("/v1/users", Api.object().put("user_email", emailOfB).put("password", "short").put("role", "VIEWER"));
        Api.Response unknown = tenantA.post("/v1/users", Api.object().put("user_email", "n-" + UUID.randomUUID() + "@openccm.test")
                .put("password", "short").put("role", "VIEWER"));

        known.rejects("password");
        unknown.rejects("password");
        assertThat(known.text("detail")).isEqualTo(unknown.text("detail"));
        Api.Response withoutPassword = tenantA.post("/v1/users/invite", invite(emailOfB));
        Api.Response unknownWithout = tenantA.post("/v1/users/invite", invite("m-" + UUID.randomUUID() + "@openccm.test"));
        assertThat(withoutPassword.status()).as(withoutPassword.raw().body()).isEqualTo(unknownWithout.status()).isEqualTo(201);
    }

    @Test
    void theInvitedUserAcceptsOrDeclines() {
        UUID accountA = tenantA.post("/v1/users", Api.object().put("user_email", emailOfB).put("role", "EDITOR")).expect(201).id("account_id");

        JsonNode invitations = userOfB.get("/v1/user/invitations").expect(200).body().path("items");
        assertThat(invitations).hasSize(1);
        assertThat(invitations.at("/0/account_id").asString()).isEqualTo(accountA.toString());
        userOfB.post("/v1/sys/session/select_account/" + accountA, null).expect(404); // not a member: no such account for them

        userOfB.post("/v1/user/invitations/" + invitations.at("/0/invitation_id").asString() + "/accept", null).expect(200);

        assertThat(userOfB.post("/v1/sys/session/select_account/" + accountA, null).expect(200).text("role")).isEqualTo("EDITOR");
        assertThat(userOfB.get("/v1/user/invitations").expect(200).body().path("items")).isEmpty();
        assertThat(tenantA.get("/v1/audit?action=member.invitation_accepted").expect(200).body().path("items")).hasSize(1);
        tenantA.post("/v1/user/invitations/" + UUID.randomUUID() + "/accept", null).expect(404);
    }

    @Test
    void aDeclinedInvitationLeavesNoMembership() {
        UUID accountA = tenantA.post("/v1/users", Api.object().put("user_email", emailOfB).put("role", "ADMIN")).expect(201).id("account_id");
        String invitation = userOfB.get("/v1/user/invitations").expect(200).body().at("/items/0/invitation_id").asString();

        userOfB.post("/v1/user/invitations/" + invitation + "/decline", null).expect(200);

        assertThat(userOfB.post("/v1/sys/session/select_account/" + accountA, null).status()).isEqualTo(404);
        assertThat(tenantA.get("/v1/audit?action=member.invitation_declined").expect(200).body().path("items")).hasSize(1);
    }

    @Test
    void accountNamesAreUniquePerOwnerAndNotAcrossTenants() {
        String name = "shared-name-" + UUID.randomUUID();
        userOfB.post("/v1/accounts", Api.object().put("name", name)).expect(200);

        tenantA.post("/v1/accounts", Api.object().put("name", name)).expect(200);
        tenantA.post("/v1/accounts", Api.object().put("name", name.toUpperCase())).expect(409);
    }

    @Test
    void anInvitationAnswersTheEmailsUserIdWhichBecomesThePersonsUser() {
        String unknown = "later-" + UUID.randomUUID() + "@openccm.test";
        String known = userOfB.userId().toString();

        JsonNode forKnown = tenantA.post("/v1/users/invite", invite(emailOfB)).expect(201).body();
        JsonNode forUnknown = tenantA.post("/v1/users/invite", invite(unknown)).expect(201).body();
        JsonNode again = tenantA.post("/v1/users/invite", invite(unknown)).expect(201).body();

        assertThat(forKnown.path("user_id").asString()).isEqualTo(known);
        assertThat(fieldNames(forUnknown)).isEqualTo(fieldNames(forKnown));
        assertThat(again.path("user_id").asString()).isEqualTo(forUnknown.path("user_id").asString());
        api.as(null).logIn(unknown, "").expect(401);
        // An ADMIN of another tenant adds the e-mail with a password of their choosing: that must not make them the
        // invited user (whose invitations are tenant A's); it is invited like any existing user.
        JsonNode added = api.post("/v1/users", Api.object().put("user_email", unknown).put("password", "attacker-password").put("role", "VIEWER"))
                .expect(201).body();
        assertThat(added.path("user_id").asString()).isEqualTo(forUnknown.path("user_id").asString());
        api.as(null).logIn(unknown, "attacker-password").expect(401);
    }

    private static tools.jackson.databind.node.ObjectNode invite(String email) {
        tools.jackson.databind.node.ObjectNode request = Api.object().put("user_email", email);
        request.putArray("roles").add("VIEWER");
        return request;
    }

    private static java.util.List<String> fieldNames(JsonNode body) {
        java.util.List<String> names = new java.util.ArrayList<>();
        body.propertyNames().forEach(names::add);
        return names;
    }
}
