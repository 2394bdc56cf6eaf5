// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import tools.jackson.databind.JsonNode;

/** Account B cannot read, list, change or delete what account A owns; A's viewers cannot write. */
class TenantIsolationTest extends ApiTest {
    private Api a;
    private Api b;
    private UUID appOfA;
    private String buildOfA;
    private String taskOfA;

    @BeforeEach
    void twoAccounts() {
        a = api;
        a.logInToNewAccount();
        appOfA = Fixtures.createApp(a, "TDX");
        JsonNode build = a.post("/v1/builds", Fixtures.tdxBuild(appOfA)).expect(200).body();
        buildOfA = build.path("build_id").asString();
        taskOfA = build.path("pending_task_id").asString();
        b = api.as(null);
        b.logInToNewAccount();
    }

    @Test
    void anotherAccountGets404ForEveryObjectOfA() {
        b.get("/v1/apps/" + appOfA).expect(404);
        b.get("/v1/builds/" + buildOfA).expect(404);
        b.get("/v1/tasks/" + taskOfA).expect(404);
        b.patch("/v1/apps/" + appOfA, Api.object().put("description", "mine now")).expect(404);
        b.delete("/v1/builds/" + buildOfA).expect(404);
        b.delete("/v1/apps/" + appOfA).expect(404);

        assertThat(a.get("/v1/builds/" + buildOfA).expect(200).text("build_id")).isEqualTo(buildOfA);
        assertThat(a.get("/v1/apps/" + appOfA).expect(200).body().has("description")).isFalse();
    }

    @Test
    void anotherAccountsListsNeverShowA() {
        assertThat(b.get("/v1/apps").expect(200).body().path("items")).isEmpty();
        assertThat(b.get("/v1/builds").expect(200).body().path("items")).isEmpty();
        assertThat(b.get("/v1/builds?app_id=" + appOfA).expect(200).body().path("items")).isEmpty();
        assertThat(b.get("/v1/tasks").expect(200).body().path("items")).isEmpty();
        assertThat(b.get("/v1/builds").expect(200).body().at("/metadata/total_count").asInt()).isZero();
    }

    @Test
    void anotherAccountCannotAddImagesToAsApp() {
        b.post("/v1/builds", Fixtures.tdxBuild(appOfA)).rejects("app_id");

        assertThat(a.get("/v1/builds").expect(200).body().path("items")).hasSize(1);
    }

    @Test
    void aViewerReadsButCannotWrite() {
        String email = "viewer-" + UUID.randomUUID() + "@openccm.test";
        a.post("/v1/users", Api.object().put("user_email", email).put("password", "viewer-password").put("role", "VIEWER"))
                .expect(201);
        Api viewer = api.as(null);
        viewer.logIn(email, "viewer-password").expect(200);

        viewer.get("/v1/apps/" + appOfA).expect(200);
        viewer.get("/v1/builds/" + buildOfA).expect(200);
        viewer.get("/v1/tasks").expect(200);
        viewer.post("/v1/apps", Fixtures.app("TDX")).expect(403);
        viewer.patch("/v1/apps/" + appOfA, Api.object().put("description", "x")).expect(403);
        viewer.delete("/v1/apps/" + appOfA).expect(403);
        viewer.post("/v1/builds", Fixtures.tdxBuild(appOfA)).expect(403);
        viewer.delete("/v1/builds/" + buildOfA).expect(403);
        viewer.post("/v1/users", Api.object().put("user_email", "x@y.z").put("role", "ADMIN")).expect(403);

        assertThat(a.get("/v1/builds").expect(200).body().path("items")).hasSize(1);
        assertThat(viewer.get("/v1/user").expect(200).body().at("/role").asString()).isEqualTo("VIEWER");
    }

    @Test
    void anEditorWritesButCannotManageMembers() {
        String email = "editor-" + UUID.randomUUID() + "@openccm.test";
        a.post("/v1/users", Api.object().put("user_email", email).put("password", "editor-password").put("role", "EDITOR"))
                .expect(201);
        Api editor = api.as(null);
        editor.logIn(email, "editor-password").expect(200);

        editor.post("/v1/builds", Fixtures.tdxBuild(appOfA).put("threads", 2)).expect(200);
        editor.post("/v1/users", Api.object().put("user_email", "x@y.z").put("password", "long-enough-pw").put("role", "VIEWER"))
                .expect(403);
    }

    @Test
    void addingMembersIsValidated() {
        a.post("/v1/users", Api.object().put("user_email", "not-an-email").put("password", "long-enough-pw").put("role", "VIEWER"))
                .rejects("user_email");
        a.post("/v1/users", Api.object().put("user_email", "short@openccm.test").put("password", "short").put("role", "VIEWER"))
                .rejects("password");
        a.post("/v1/users", Api.object().put("user_email", "norole@openccm.test").put("password", "long-enough-pw"))
                .rejects("role");
        a.post("/v1/users", Api.object().put("user_email", ADMIN_EMAIL).put("role", "VIEWER")).expect(409);
    }
}
