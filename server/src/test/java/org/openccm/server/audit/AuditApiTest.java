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

    @Test
    void aHistoryRewrittenWithEveryHashRecomputedNoLongerMatchesTheSignedCheckpoint() {
        JsonNode checkpoint = api.post("/v1/audit/checkpoints", null).expect(200).body();
        assertThat(checkpoint.path("seq").asLong()).isEqualTo(8);
        assertThat(api.get("/v1/audit/verify").expect(200).body().path("valid").asBoolean()).as("before the rewrite").isTrue();

        // Someone with database access turns the approval into a denial and recomputes every hash after it.
        jdbc.sql("UPDATE audit_log SET details = replace(details, 'APPROVED', 'DENIED') WHERE account_id = ? AND action = 'task.vote'")
                .param(account).update();
        String prev = AuditEntry.GENESIS;
        for (AuditEntry e : jdbc.sql("SELECT * FROM audit_log WHERE account_id = ? ORDER BY seq").param(account).query(AuditLog::entry).list()) {
            AuditEntry relinked = new AuditEntry(e.id(), e.accountId(), e.seq(), e.at(), e.actorUserId(), e.actorEmail(), e.actorApiKeyId(),
                    e.action(), e.objectType(), e.objectId(), e.details(), prev, null);
            prev = relinked.computeHash();
            jdbc.sql("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?").params(relinked.prevHash(), prev, e.id()).update();
        }
        jdbc.sql("UPDATE audit_heads SET last_hash = ? WHERE account_id = ?").params(prev, account).update();

        JsonNode result = api.get("/v1/audit/verify").expect(200).body();

        assertThat(result.has("first_invalid")).as("the chain itself is consistent again").isFalse();
        assertThat(result.path("valid").asBoolean()).isFalse();
        assertThat(result.path("checkpoint_problems").toString()).contains("entry 8 is not the one signed in the checkpoint", "history was rewritten");
    }

    @Test
    void checkpointsAreSignedByTheServersKeyAndListedWithIt() throws Exception {
        api.post("/v1/audit/checkpoints", null).expect(200);
        api.post("/v1/audit/checkpoints", null).expect(200); // nothing new: the same checkpoint
        JsonNode list = api.get("/v1/audit/checkpoints").expect(200).body();

        assertThat(list.path("items")).hasSize(1);
        JsonNode c = list.at("/items/0");
        var key = java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(
                java.util.Base64.getMimeDecoder().decode(list.path("public_key").asString().replaceAll("-----[A-Z ]+-----", ""))));
        var ecdsa = java.security.Signature.getInstance("SHA256withECDSA");
        ecdsa.initVerify(key);
        ecdsa.update(c.path("signed_text").asString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(ecdsa.verify(java.util.Base64.getDecoder().decode(c.path("signature").asString()))).isTrue();
        assertThat(c.path("signed_text").asString()).startsWith("openccm-audit-checkpoint-v1\n" + account + "\n8\n" + c.path("head_hash").asString());
        assertThat(api.newMember("VIEWER").post("/v1/audit/checkpoints", null).status()).as("an admin's act").isEqualTo(403);
    }

    @Test
    void theScheduledRoundSignsEveryGrownChainAndAReceiptReachesTheNextCheckpoint(@Autowired AuditCheckpoints checkpoints) {
        checkpoints.checkpointAll();
        JsonNode first = api.get("/v1/audit?action=build.created").expect(200).body().at("/items/0");
        api.patch("/v1/tasks/" + task, Api.object().put("status", "APPROVED")).status(); // one more entry or a refusal: either way

        JsonNode receipt = api.get("/v1/audit/" + first.path("entry_id").asString() + "/receipt").expect(200).body();

        assertThat(receipt.path("format").asString()).isEqualTo("openccm-audit-receipt-v1");
        assertThat(receipt.path("entries").get(0).asString()).contains("build.created");
        assertThat(receipt.at("/checkpoint/seq").asLong()).isGreaterThanOrEqualTo(8);
        assertThat(receipt.path("entries")).hasSize((int) (receipt.at("/checkpoint/seq").asLong() - first.path("seq").asLong() + 1));
        api.get("/v1/audit/" + UUID.randomUUID() + "/receipt").expect(404);
    }
}
