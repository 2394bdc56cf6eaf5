// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two instances over one PostgreSQL (and one master key, their own data directories) are one service to a client:
 * a token issued by one is accepted by the other, votes sent through both are counted as if sent to one, and the
 * audit chain written through both at once stays one intact chain.
 */
class TwoInstancesTest extends ApiTest {
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void startSecondInstance() throws Exception {
        second = anotherServer(TestPostgres.database());
    }

    @AfterAll
    static void stopSecondInstance() {
        second.close();
    }

    @Test
    void aTokenFromOneInstanceWorksOnTheOtherAndALogOutEndsItOnBoth() {
        Api other = apiOf(second);
        api.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);

        other.as(api.token()).get("/v1/user").expect(200);
        other.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
        api.as(other.token()).get("/v1/user").expect(200);

        String token = api.token();
        api.post("/v1/sys/session/terminate", null).expect(204);
        assertThat(other.as(token).get("/v1/user").status()).as("ended on the other instance too").isEqualTo(401);
    }

    @Test
    void votesSentThroughBothInstancesAtOnceAreEachCountedOnceAndDecideTheTaskOnce() throws Exception {
        api.logInToNewAccount();
        api.put("/v1/approval_policy", Api.object().put("required_approvals", 8).put("separation_of_duties", false))
                .expect(200);
        List<Api> voters = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            voters.add(api.newMember("EDITOR"));
        }
        UUID app = Fixtures.createApp(api, "TDX");
        JsonNode build = api.post("/v1/builds", Fixtures.tdxBuild(app)).expect(200).body();
        String task = build.path("pending_task_id").asString();

        // Every voter votes twice, once through each instance, all sixteen requests released together.
        List<Callable<Integer>> votes = new ArrayList<>();
        for (Api voter : voters) {
            for (Api instance : List.of(voter, apiOf(second).as(voter.token()))) {
                votes.add(() -> instance.patch("/v1/tasks/" + task, Api.object().put("status", "APPROVED")).status());
            }
        }
        List<Integer> statuses = atOnce(votes);

        assertThat(statuses).as("the same vote twice is accepted and counted once").containsOnly(200);
        JsonNode decided = api.get("/v1/tasks/" + task).expect(200).body();
        assertThat(decided.at("/status/status").asString()).isEqualTo("SUCCESS");
        assertThat(decided.path("approval_count").asInt()).isEqualTo(8);
        assertThat(auditCount("task.vote", task)).isEqualTo(8);
        assertThat(auditCount("task.resolved", task)).isEqualTo(1);
        assertThat(auditCount("build.status_changed", build.path("build_id").asString())).isEqualTo(1);
        assertThat(apiOf(second).as(api.token()).get("/v1/builds/" + build.path("build_id").asString()).expect(200).body()
                        .at("/status/status").asString())
                .isEqualTo("WHITELISTED");
    }

    @Test
    void theAuditChainWrittenThroughBothInstancesAtOnceVerifies() throws Exception {
        api.logInToNewAccount();
        Api other = apiOf(second).as(api.token());
        long before = api.get("/v1/audit/verify").expect(200).body().path("entries_checked").asLong();

        List<Callable<Integer>> writes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Api through = i % 2 == 0 ? api : other;
            writes.add(() -> through.post("/v1/apps", Fixtures.app("TDX")).status());
        }
        assertThat(atOnce(writes)).containsOnly(200);
        api.post("/v1/audit/checkpoints", null).expect(200);

        for (Api instance : List.of(api, other)) {
            JsonNode verified = instance.get("/v1/audit/verify").expect(200).body();
            assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
            assertThat(verified.path("entries_checked").asLong()).isGreaterThanOrEqualTo(before + 40);
            assertThat(verified.path("checkpoints_checked").asInt()).isEqualTo(1);
        }
        assertThat(api.get("/v1/audit?action=app.created").expect(200).body().at("/metadata/filtered_count").asInt())
                .isEqualTo(40);
        JsonNode entries = api.get("/v1/audit?limit=100").expect(200).body().path("items");
        List<Long> seqs = new ArrayList<>();
        entries.forEach(e -> seqs.add(e.path("seq").asLong()));
        assertThat(seqs).as("one linear chain: no sequence number twice, none missing").doesNotHaveDuplicates();
        assertThat(seqs.getFirst() - seqs.getLast() + 1).isEqualTo(seqs.size());
    }

    @Test
    void anInstanceWithAnotherMasterKeyRefusesToStartAndSaysWhy() {
        String otherKey = java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));

        assertThatThrownBy(() -> anotherServer(TestPostgres.database(), "openccm.master-key=" + otherKey).close())
                .hasStackTraceContaining("is not the one this database's secrets were sealed under");
    }

    private int auditCount(String action, String objectId) {
        return api.get("/v1/audit?action=" + action + "&object_id=" + objectId).expect(200).body()
                .at("/metadata/filtered_count").asInt();
    }

    private static List<Integer> atOnce(List<Callable<Integer>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (Callable<Integer> call : calls) {
                results.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> r : results) {
                statuses.add(r.get());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}
