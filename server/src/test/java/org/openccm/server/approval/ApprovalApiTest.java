// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import tools.jackson.databind.JsonNode;

class ApprovalApiTest extends ApiTest {
    private UUID app;

    @BeforeEach
    void account() {
        api.logInToNewAccount();
        app = Fixtures.createApp(api, "TDX");
    }

    @Test
    void oneApprovalByAnAdminWhitelistsTheImageByDefault() {
        JsonNode build = newImage(api);
        String task = build.path("pending_task_id").asString();

        JsonNode decided = approve(api, task).expect(200).body();

        assertThat(decided.at("/status/status").asString()).isEqualTo("SUCCESS");
        assertThat(decided.path("required_approvals").asInt()).isEqualTo(1);
        assertThat(decided.path("approval_count").asInt()).isEqualTo(1);
        assertThat(decided.at("/approvals/0/status").asString()).isEqualTo("APPROVED");
        assertThat(decided.at("/approvals/0/user_name").asString()).isEqualTo(ADMIN_EMAIL);
        JsonNode image = api.get("/v1/builds/" + build.path("build_id").asString()).expect(200).body();
        assertThat(image.at("/status/status").asString()).isEqualTo("WHITELISTED");
        assertThat(image.at("/status/status_updated_at").asLong())
                .isGreaterThanOrEqualTo(build.at("/status/status_updated_at").asLong());
        assertThat(image.has("pending_task_id")).isFalse();
    }

    @Test
    void anEditorApprovesButAViewerCannot() {
        Api editor = api.newMember("EDITOR");
        Api viewer = api.newMember("VIEWER");
        String task = newImage(api).path("pending_task_id").asString();

        approve(viewer, task).expect(403);
        approve(editor, task).expect(200);
    }

    @Test
    void twoOfThreeNeedsTwoDistinctApprovers() {
        setPolicy(2, false);
        Api first = api.newMember("EDITOR");
        Api second = api.newMember("EDITOR");
        Api third = api.newMember("EDITOR");
        JsonNode build = newImage(api);
        String task = build.path("pending_task_id").asString();

        JsonNode afterOne = approve(first, task).expect(200).body();
        assertThat(afterOne.at("/status/status").asString()).isEqualTo("INPROGRESS");
        assertThat(afterOne.path("approval_count").asInt()).isEqualTo(1);
        assertThat(status(build)).isEqualTo("PENDING");

        JsonNode afterTwo = approve(second, task).expect(200).body();
        assertThat(afterTwo.at("/status/status").asString()).isEqualTo("SUCCESS");
        assertThat(afterTwo.path("approval_count").asInt()).isEqualTo(2);
        assertThat(status(build)).isEqualTo("WHITELISTED");

        Api.Response late = approve(third, task).expect(409);
        assertThat(late.text("detail")).contains("APPROVED already");
    }

    @Test
    void withSeparationOfDutiesTheRequesterCannotApproveTheirOwnImage() {
        setPolicy(1, true);
        Api requester = api.newMember("EDITOR");
        JsonNode build = newImage(requester);
        String task = build.path("pending_task_id").asString();

        Api.Response own = approve(requester, task).expect(403);
        assertThat(own.text("detail")).contains("separation of duties");
        assertThat(status(build)).isEqualTo("PENDING");

        approve(api, task).expect(200);
        assertThat(status(build)).isEqualTo("WHITELISTED");
    }

    @Test
    void withoutSeparationOfDutiesTheRequesterMayApprove() {
        Api requester = api.newMember("EDITOR");
        JsonNode build = newImage(requester);

        approve(requester, build.path("pending_task_id").asString()).expect(200);

        assertThat(status(build)).isEqualTo("WHITELISTED");
    }

    @Test
    void oneDenialRejectsTheImageAndKeepsTheComment() {
        setPolicy(2, false);
        Api editor = api.newMember("EDITOR");
        JsonNode build = newImage(api);
        String task = build.path("pending_task_id").asString();
        approve(editor, task).expect(200);

        JsonNode denied = api.patch(
                        "/v1/tasks/" + task, Api.object().put("status", "DENIED").put("comment", "wrong signer"))
                .expect(200)
                .body();

        assertThat(denied.at("/status/status").asString()).isEqualTo("DENIED");
        assertThat(denied.path("approvals").toString()).contains("wrong signer");
        assertThat(status(build)).isEqualTo("REJECTED");
        approve(api.newMember("EDITOR"), task).expect(409);
    }

    @Test
    void aVoteOnAFinishedTaskIs409() {
        String task = newImage(api).path("pending_task_id").asString();
        approve(api, task).expect(200);

        api.patch("/v1/tasks/" + task, Api.object().put("status", "DENIED")).expect(409);
    }

    @Test
    void theSameUserVotingTwiceCountsOnce() {
        setPolicy(2, false);
        JsonNode build = newImage(api);
        String task = build.path("pending_task_id").asString();

        approve(api, task).expect(200);
        JsonNode again = approve(api, task).expect(200).body();

        assertThat(again.path("approval_count").asInt()).isEqualTo(1);
        assertThat(again.at("/status/status").asString()).isEqualTo("INPROGRESS");
        assertThat(again.path("approvals")).hasSize(1);
        api.patch("/v1/tasks/" + task, Api.object().put("status", "DENIED")).expect(409);
    }

    @Test
    void twentyConcurrentVotesAreEachCountedOnceAndTheTaskChangesStateOnce() throws Exception {
        setPolicy(20, false);
        List<Api> voters = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            voters.add(api.newMember("EDITOR"));
        }
        JsonNode build = newImage(api);
        String task = build.path("pending_task_id").asString();

        List<Integer> statuses = voteAtOnce(voters, task);

        assertThat(statuses).containsOnly(200);
        JsonNode decided = api.get("/v1/tasks/" + task).expect(200).body();
        assertThat(decided.at("/status/status").asString()).isEqualTo("SUCCESS");
        assertThat(decided.path("approval_count").asInt()).isEqualTo(20);
        assertThat(status(build)).isEqualTo("WHITELISTED");
        assertThat(auditCount("task.resolved", task)).isEqualTo(1);
        assertThat(auditCount("task.vote", task)).isEqualTo(20);
        assertThat(auditCount("build.status_changed", build.path("build_id").asString())).isEqualTo(1);
    }

    @Test
    void concurrentVotesBeyondTheQuorumAreRefusedAndNotCounted() throws Exception {
        setPolicy(5, false);
        List<Api> voters = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            voters.add(api.newMember("EDITOR"));
        }
        String task = newImage(api).path("pending_task_id").asString();

        List<Integer> statuses = voteAtOnce(voters, task);

        assertThat(statuses.stream().filter(s -> s == 200)).hasSize(5);
        assertThat(statuses.stream().filter(s -> s == 409)).hasSize(15);
        JsonNode decided = api.get("/v1/tasks/" + task).expect(200).body();
        assertThat(decided.path("approval_count").asInt()).isEqualTo(5);
        assertThat(auditCount("task.resolved", task)).isEqualTo(1);
    }

    @Test
    void aTaskKeepsThePolicyItWasOpenedUnder() {
        String before = newImage(api).path("pending_task_id").asString();
        setPolicy(3, true);
        String after = newImage(api).path("pending_task_id").asString();

        assertThat(api.get("/v1/tasks/" + before).expect(200).body().path("required_approvals").asInt()).isEqualTo(1);
        JsonNode strict = api.get("/v1/tasks/" + after).expect(200).body();
        assertThat(strict.path("required_approvals").asInt()).isEqualTo(3);
        assertThat(strict.path("separation_of_duties").asBoolean()).isTrue();
        approve(api, before).expect(200);
    }

    @Test
    void aGroupOverridesTheAccountPolicy() {
        UUID group = UUID.randomUUID();
        api.put("/v1/approval_policy/groups/" + group, Api.object().put("required_approvals", 2)).expect(200);
        UUID grouped = api.post("/v1/apps", Fixtures.app("TDX").put("group_id", group.toString()))
                .expect(200)
                .id("app_id");

        JsonNode groupedImage = api.post("/v1/builds", Fixtures.tdxBuild(grouped)).expect(200).body();
        JsonNode plainImage = newImage(api);

        assertThat(task(groupedImage).path("required_approvals").asInt()).isEqualTo(2);
        assertThat(task(plainImage).path("required_approvals").asInt()).isEqualTo(1);
        assertThat(api.get("/v1/approval_policy").expect(200).body().at("/groups/0/group_id").asString())
                .isEqualTo(group.toString());
        api.delete("/v1/approval_policy/groups/" + group).expect(204);
        api.get("/v1/approval_policy/groups/" + group).expect(404);
    }

    @Test
    void thePolicyIsValidatedAndOnlyAdminsChangeIt() {
        api.put("/v1/approval_policy", Api.object().put("required_approvals", 0)).rejects("required_approvals");
        api.put("/v1/approval_policy", Api.object()).rejects("required_approvals");
        var viewers = Api.object().put("required_approvals", 1);
        viewers.putArray("approver_roles").add("VIEWER");
        api.put("/v1/approval_policy", viewers).rejects("approver_roles");
        api.newMember("EDITOR").put("/v1/approval_policy", Api.object().put("required_approvals", 1)).expect(403);
    }

    @Test
    void anAdminOnlyPolicyShutsOutEditors() {
        var adminsOnly = Api.object().put("required_approvals", 1);
        adminsOnly.putArray("approver_roles").add("ADMIN");
        api.put("/v1/approval_policy", adminsOnly).expect(200);
        String task = newImage(api).path("pending_task_id").asString();

        approve(api.newMember("EDITOR"), task).expect(403);
        approve(api, task).expect(200);
    }

    @Test
    void aDomainNameIsTrustedOnlyOnceApproved() {
        JsonNode created = api.post("/v1/apps", Fixtures.app("TDX")).expect(200).body();
        String appId = created.path("app_id").asString();
        assertThat(created.path("whitelisted_domains")).isEmpty();
        String task = created.path("pending_task_id").asString();
        JsonNode pending = api.get("/v1/tasks/" + task).expect(200).body();
        assertThat(pending.path("task_type").asString()).isEqualTo("DOMAIN_WHITELIST");
        assertThat(pending.path("subject").asString()).contains("domain=app.example.com");

        approve(api, task).expect(200);

        JsonNode approved = api.get("/v1/apps/" + appId).expect(200).body();
        assertThat(approved.path("whitelisted_domains").get(0).asString()).isEqualTo("app.example.com");
        assertThat(approved.at("/domains/0/status").asString()).isEqualTo("APPROVED");
    }

    @Test
    void addingADomainOpensATaskAndRemovingOneWithdrawsItAtOnce() {
        JsonNode created = api.post("/v1/apps", Fixtures.app("TDX")).expect(200).body();
        String appId = created.path("app_id").asString();
        approve(api, created.path("pending_task_id").asString()).expect(200);
        var patch = Api.object();
        patch.putArray("allowed_domains").add("app.example.com").add("new.example.com");

        JsonNode withNew = api.patch("/v1/apps/" + appId, patch).expect(200).body();
        String newTask = withNew.path("pending_task_id").asString();
        assertThat(withNew.path("whitelisted_domains").toString()).isEqualTo("[\"app.example.com\"]");

        var dropNew = Api.object();
        dropNew.putArray("allowed_domains").add("app.example.com");
        api.patch("/v1/apps/" + appId, dropNew).expect(200);
        assertThat(api.get("/v1/tasks/" + newTask).expect(200).body().at("/status/status").asString())
                .as("the task of a withdrawn name is cancelled")
                .isEqualTo("FAILED");

        var dropApproved = Api.object();
        dropApproved.putArray("allowed_domains");
        JsonNode none = api.patch("/v1/apps/" + appId, dropApproved).expect(200).body();
        assertThat(none.path("whitelisted_domains")).as("an approved name is withdrawn without approval").isEmpty();
        assertThat(none.path("domains")).isEmpty();
    }

    @Test
    void votingIsValidated() {
        String task = newImage(api).path("pending_task_id").asString();

        api.patch("/v1/tasks/" + task, Api.object().put("status", "MAYBE")).rejects("status");
        api.patch("/v1/tasks/" + task, Api.object()).rejects("status");
        api.patch("/v1/tasks/" + UUID.randomUUID(), Api.object().put("status", "APPROVED")).expect(404);
    }

    private List<Integer> voteAtOnce(List<Api> voters, String task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(voters.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (Api voter : voters) {
                Callable<Integer> vote = () -> {
                    start.await();
                    return approve(voter, task).status();
                };
                results.add(pool.submit(vote));
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

    private int auditCount(String action, String objectId) {
        return api.get("/v1/audit?action=" + action + "&object_id=" + objectId)
                .expect(200)
                .body()
                .at("/metadata/filtered_count")
                .asInt();
    }

    private JsonNode newImage(Api as) {
        return as.post("/v1/builds", Fixtures.tdxBuild(app).put("threads", (int) (Math.random() * 1000) + 1))
                .expect(200)
                .body();
    }

    private JsonNode task(JsonNode build) {
        return api.get("/v1/tasks/" + build.path("pending_task_id").asString()).expect(200).body();
    }

    private String status(JsonNode build) {
        return api.get("/v1/builds/" + build.path("build_id").asString()).expect(200).body().at("/status/status").asString();
    }

    private void setPolicy(int required, boolean separation) {
        api.put("/v1/approval_policy",
                        Api.object().put("required_approvals", required).put("separation_of_duties", separation))
                .expect(200);
    }

    private static Api.Response approve(Api as, String task) {
        return as.patch("/v1/tasks/" + task, Api.object().put("status", "APPROVED"));
    }
}
