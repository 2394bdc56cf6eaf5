// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Fortanix's DELETE /v1/accounts/{id} and DELETE /v1/users/{id}: an account goes with everything in it and leaves a
 * record of its deletion; a user deletes only themself, is forgotten, and cannot strand an account others use.
 */
class DeletionTest extends ApiTest {
    private static final List<String> PCRS = List.of(Fixtures.hex(48, 171), Fixtures.hex(48, 172), Fixtures.hex(48, 173));

    @Autowired
    JdbcClient jdbc;

    @Test
    void anAdminDeletesAnAccountWithEverythingInItAndTheDeletionStaysOnRecord() throws Exception {
        UUID account = api.logInToNewAccount();
        UUID app = Fixtures.approvedNitroApp(api, "deleted-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com");
        Fixtures.approvedNitroImage(api, app, PCRS);
        Fixtures.attestedNitroWorkload(api, PCRS);
        Api editor = api.newMember("EDITOR");
        long entries = api.get("/v1/audit").expect(200).body().path("metadata").path("total_count").asLong();

        assertThat(editor.delete("/v1/accounts/" + account).status()).isEqualTo(403);
        // An API key acts in its account only, even an ADMIN key: never on the account itself or its creator.
        String key = api.post("/v1/api_keys", Api.object().put("name", "robot").put("role", "ADMIN")).expect(201).text("api_key");
        assertThat(api.as(key).delete("/v1/accounts/" + account).status()).isEqualTo(403);
        assertThat(api.as(key).delete("/v1/users/" + api.userId()).status()).isEqualTo(403);
        assertThat(api.as(key).post("/v1/accounts", Api.object().put("name", "by-a-key")).status()).isEqualTo(403);
        entries = api.get("/v1/audit").expect(200).body().path("metadata").path("total_count").asLong();
        api.delete("/v1/accounts/" + account).expect(204);

        api.get("/v1/accounts/" + account).expect(404);
        assertThat(editor.get("/v1/accounts").expect(200).body().path("items")).isEmpty();
        for (String table : List.of("apps", "builds", "tasks", "nodes", "certificates", "audit_log", "account_cas", "account_members")) {
            assertThat(jdbc.sql("SELECT count(*) FROM " + table + " WHERE account_id = ?").param(account).query(Long.class).single())
                    .as(table).isZero();
        }
        Map<String, Object> record = jdbc.sql("SELECT * FROM deleted_accounts WHERE account_id = ?").param(account).query().singleRow();
        assertThat(record.get("deleted_by_email")).isEqualTo(ADMIN_EMAIL);
        assertThat((Long) record.get("audit_last_seq")).as("the chain's last link as an export of it ends").isEqualTo(entries);
        assertThat((String) record.get("audit_last_hash")).hasSize(64);
        api.delete("/v1/accounts/" + account).expect(404);
    }

    @Test
    void aStrangerCannotDeleteAnAccountOrLearnItExists() {
        UUID account = api.logInToNewAccount();
        api.logInToNewAccount();
        Api stranger = member("stranger-" + UUID.randomUUID() + "@openccm.test", "stranger-password", "ADMIN");

        assertThat(stranger.delete("/v1/accounts/" + account).status()).isEqualTo(404);
        assertThat(stranger.delete("/v1/accounts/" + UUID.randomUUID()).status()).isEqualTo(404);
        api.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
        api.get("/v1/accounts/" + account).expect(200);
    }

    @Test
    void aUserDeletesThemselfAndIsForgotten() {
        api.logInToNewAccount();
        String email = "leaver-" + UUID.randomUUID() + "@openccm.test";
        Api leaver = member(email, "leaver-password", "EDITOR");
        UUID own = leaver.post("/v1/accounts", Api.object().put("name", "own-" + UUID.randomUUID())).expect(200).id("acct_id");
        UUID id = leaver.userId();

        assertThat(leaver.delete("/v1/users/" + api.userId()).status()).as("another user's id").isEqualTo(403);
        assertThat(leaver.delete("/v1/users/" + UUID.randomUUID()).status()).as("nobody's id: the same").isEqualTo(403);
        leaver.delete("/v1/users/" + id).expect(204);

        assertThat(leaver.get("/v1/user").status()).as("its session ended").isEqualTo(401);
        api.as(null).logIn(email, "leaver-password").expect(401);
        api.get("/v1/users/" + id).expect(404);
        assertThat(api.get("/v1/audit?action=user.deleted").expect(200).body().path("items")).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM accounts WHERE id = ?").param(own).query(Long.class).single())
                .as("the account only it used went with it").isZero();
        Map<String, Object> row = jdbc.sql("SELECT email, first_name, deleted_at FROM users WHERE id = ?").param(id).query().singleRow();
        assertThat((String) row.get("email")).doesNotContain("leaver");
        assertThat(row.get("deleted_at")).isNotNull();
        // The e-mail is free again: adding it makes a new user, who logs in with the new password.
        api.post("/v1/users", Api.object().put("user_email", email).put("password", "another-password").put("role", "VIEWER")).expect(201);
        api.as(null).logIn(email, "another-password").expect(200);
    }

    @Test
    void theLastAdminOfAnAccountOthersUseCannotDeleteThemself() {
        api.logInToNewAccount();
        Api owner = member("owner-" + UUID.randomUUID() + "@openccm.test", "owner-password", "VIEWER");
        UUID shared = owner.post("/v1/accounts", Api.object().put("name", "shared-" + UUID.randomUUID())).expect(200).id("acct_id");
        owner.post("/v1/sys/session/select_account/" + shared, null).expect(200);
        owner.newMember("EDITOR");

        Api.Response refused = owner.delete("/v1/users/" + owner.userId()).expect(409);

        assertThat(refused.text("detail")).contains(shared.toString());
        owner.get("/v1/user").expect(200);
    }

    /** A member of the admin's current account, logged in. */
    private Api member(String email, String password, String role) {
        api.post("/v1/users", Api.object().put("user_email", email).put("password", password).put("role", role)).expect(201);
        Api member = api.as(null);
        member.logIn(email, password).expect(200);
        return member;
    }
}
