// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Every change of state is on record, chained by hashes, and an edit made behind OpenCCM's back is found. */
class AuditApiTest extends ApiTest {
    @Autowired
    JdbcClient jdbc;

    private UUID account;
    private String build;
    private String task;

    @BeforeEach
    void history() {
        account = api.logInToNewAccount();
        UUID app = Fixtures.createApp(api, "TDX");
        JsonNode b = api.post("/v1/builds", Fixtures.tdxBuild(app)).expect(200).body();
        build = b.path("build_id").asString();
        task = b.path("pending_task_id").asString();
        api.patch("/v1/tasks/" + task, Api.object().put("status", "APPROVED").put("comment", "reviewed")).expect(200);
    }

    @Test
    void everyChangeOfStateIsRecordedWithItsActor() {
        List<String> actions = actions(api.get("/v1/audit").expect(200).body());

        assertThat(actions)
                .containsExactly(
                        "build.status_changed",
                        "task.resolved",
                        "task.vote",
                        "build.created",
                        "task.created",
                        "task.created",
                        "app.created",
                        "account.created");
        JsonNode vote = api.get("/v1/audit?action=task.vote").expect(200).body().at("/items/0");
        assertThat(vote.at("/actor/email").asString()).isEqualTo(ADMIN_EMAIL);
        assertThat(vote.path("object_id").asString()).isEqualTo(task);
        assertThat(vote.at("/details/decision").asString()).isEqualTo("APPROVED");
        assertThat(vote.at("/details/comment").asString()).isEqualTo("reviewed");
        assertThat(vote.at("/details/subject_sha256").asString()).hasSize(64);
    }

    @Test
    void entriesAreFilteredByObject() {
        JsonNode forBuild = api.get("/v1/audit?object_id=" + build).expect(200).body();

        assertThat(actions(forBuild)).containsExactly("build.status_changed", "build.created");
    }

    @Test
    void anUntouchedChainVerifies() {
        JsonNode result = api.get("/v1/audit/verify").expect(200).body();

        assertThat(result.path("valid").asBoolean()).isTrue();
        assertThat(result.path("entries_checked").asInt()).isEqualTo(8);
        assertThat(result.has("first_invalid")).isFalse();
    }

    @Test
    void anEntryEditedInTheDatabaseIsNamed() {
        JsonNode vote = api.get("/v1/audit?action=task.vote").expect(200).body().at("/items/0");
        jdbc.sql("UPDATE audit_log SET details = replace(details, 'APPROVED', 'DENIED') WHERE id = ?")
                .param(UUID.fromString(vote.path("entry_id").asString()))
                .update();

        JsonNode result = api.get("/v1/audit/verify").expect(200).body();

        assertThat(result.path("valid").asBoolean()).isFalse();
        assertThat(result.at("/first_invalid/seq").asLong()).isEqualTo(vote.path("seq").asLong());
        assertThat(result.at("/first_invalid/entry_id").asString()).isEqualTo(vote.path("entry_id").asString());
        assertThat(result.at("/first_invalid/reason").asString()).contains("contents");
    }

    @Test
    void anEntryWhoseHashWasAlsoRecomputedBreaksTheNextLink() {
        JsonNode entries = api.get("/v1/audit").expect(200).body().path("items");
        JsonNode created = entries.get(entries.size() - 1); // account.created, seq 1
        jdbc.sql("UPDATE audit_log SET actor_email = 'someone-else', hash = ? WHERE id = ?")
                .params("f".repeat(64), UUID.fromString(created.path("entry_id").asString()))
                .update();

        JsonNode result = api.get("/v1/audit/verify").expect(200).body();

        assertThat(result.at("/first_invalid/seq").asLong()).isEqualTo(1);
    }

    @Test
    void aDeletedEntryIsFound() {
        jdbc.sql("DELETE FROM audit_log WHERE account_id = ? AND seq = 3").param(account).update();

        JsonNode result = api.get("/v1/audit/verify").expect(200).body();

        assertThat(result.path("valid").asBoolean()).isFalse();
        assertThat(result.at("/first_invalid/seq").asLong()).isEqualTo(4);
        assertThat(result.at("/first_invalid/reason").asString()).contains("missing");
    }

    @Test
    void aDeletedNewestEntryIsFound() {
        jdbc.sql("DELETE FROM audit_log WHERE account_id = ? AND seq = (SELECT max(seq) FROM audit_log WHERE account_id = ?)")
                .params(account, account)
                .update();

        JsonNode result = api.get("/v1/audit/verify").expect(200).body();

        assertThat(result.path("valid").asBoolean()).isFalse();
        assertThat(result.at("/first_invalid/reason").asString()).contains("removed from the end");
    }

    @Test
    void anotherAccountSeesNoneOfIt() {
        Api other = api.as(null);
        other.logInToNewAccount();

        assertThat(actions(other.get("/v1/audit").expect(200).body())).containsExactly("account.created");
    }

    private static List<String> actions(JsonNode page) {
        List<String> actions = new ArrayList<>();
        page.path("items").forEach(e -> actions.add(e.path("action").asString()));
        return actions;
    }
}
