// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import tools.jackson.databind.JsonNode;

/**
 * Every operation of {@code /v1/openapi.json} that names an object, called by another account's admin with account
 * A's real ids, answers exactly as for an id that does not exist (a 404 or the same refusal: nothing tells that the
 * object exists); every operation that changes state, called by a VIEWER of A, is refused with 403; and A's objects
 * are unchanged afterwards.
 */
class TenantIsolationSweepTest extends ApiTest {
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    /**
     * What a VIEWER may do beyond reading: their own session and invitations, accounts of their own, and what reads
     * without writing.
     */
    private static final List<String> VIEWER_MAY = List.of("/v1/sys/", "/v1/user/", "/v1/attestation/explain", "/v1/attestation/challenge",
            "/v1/tools/", "/v1/accounts");

    @Test
    void anotherTenantCannotTellAsObjectsFromNoneAndAViewerChangesNothing() throws Exception {
        UUID accountA = api.logInToNewAccount();
        Api a = api;
        Map<String, String> ids = objectsOf(a, accountA);
        Api viewer = a.newMember("VIEWER");
        // Another tenant: a different user, the admin of another account only.
        Api other = api.as(null);
        other.logInToNewAccount();
        Api b = other.newMember("ADMIN");
        String before = snapshot(a);

        List<String> failures = new ArrayList<>();
        int checked = 0;
        JsonNode paths = a.get("/v1/openapi.json").expect(200).body().path("paths");
        for (var path : paths.properties()) {
            for (var op : path.getValue().properties()) {
                String method = op.getKey().toUpperCase();
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                String template = path.getKey();
                // Task status by id is public as in Fortanix CCM (no token; the id is unguessable, the answer is
                // the status only): another tenant gets it as anyone does.
                if (template.contains("{") && !template.startsWith("/v1/user/") && !template.startsWith("/v1/tasks/status/")) {
                    String real = fill(template, ids);
                    String none = fill(template, Map.of());
                    Api.Response foreign = send(b, method, real);
                    Api.Response absent = send(b, method, none);
                    checked++;
                    if (foreign.status() < 400 || foreign.status() != absent.status() || !code(foreign).equals(code(absent))) {
                        failures.add("another tenant: " + method + " " + real + " -> " + foreign.status() + " " + code(foreign)
                                + ", for an unknown id " + absent.status() + " " + code(absent));
                    }
                }
                if (!method.equals("GET") && VIEWER_MAY.stream().noneMatch(template::startsWith)) {
                    Api.Response r = send(viewer, method, fill(template, ids));
                    if (r.status() == 400) {
                        r = send(viewer, method, fill(template, ids), "[]"); // a JSON Patch body, for the role check to be reached
                    }
                    checked++;
                    if (r.status() != 403) {
                        failures.add("viewer: " + method + " " + template + " -> " + r.status() + " " + r.raw().body());
                    }
                }
            }
        }
        System.out.println("[openccm] tenant-isolation sweep: " + checked + " calls, " + failures.size() + " wrong answers");
        assertThat(failures).isEmpty();
        assertThat(snapshot(a)).as("A's objects after the sweep").isEqualTo(before);
        assertThat(checked).isGreaterThan(50);
    }

    /** One of each kind of object in account A, by the path parameter that names it. */
    private static Map<String, String> objectsOf(Api a, UUID account) throws Exception {
        Map<String, String> ids = new HashMap<>();
        ids.put("account-id", account.toString());
        ids.put("user-id", a.newMember("EDITOR").userId().toString()); // a user of A alone
        UUID app = Fixtures.createApp(a, "TDX");
        ids.put("app-id", app.toString());
        JsonNode build = a.post("/v1/builds", Fixtures.tdxBuild(app)).expect(200).body();
        ids.put("build-id", build.path("build_id").asString());
        ids.put("task-id", build.path("pending_task_id").asString());
        JsonNode registry = Api.object().put("url", "registry.example.com");
        ((tools.jackson.databind.node.ObjectNode) registry).putObject("credential").putObject("default").put("username", "u").put("password", "p");
        ids.put("registry-id", a.post("/v1/registry", registry).expect(200).text("registry_id"));
        String zone = a.get("/v1/zones").expect(200).body().path(0).path("zone_id").asString();
        ids.put("zone-id", zone);
        ids.put("token-id", a.post("/v1/zones/" + zone + "/tokens", Api.object().put("name", "fleet")).expect(201).text("token_id"));
        ids.put("api-key-id", a.post("/v1/api_keys", Api.object().put("name", "robot").put("role", "VIEWER")).expect(201).text("api_key_id"));
        List<String> pcrs = List.of(Fixtures.hex(48, 201), Fixtures.hex(48, 202), Fixtures.hex(48, 203));
        Fixtures.approvedNitroImage(a, Fixtures.approvedNitroApp(a, "isolated.example.com"), pcrs);
        JsonNode attested = Fixtures.attestedNitroWorkload(a, pcrs);
        ids.put("cert-id", attested.path("certificate_id").asString());
        ids.put("node-id", attested.path("node_id").asString());
        ids.put("entry-id", a.get("/v1/audit").expect(200).body().at("/items/0/entry_id").asString());
        ids.put("group-id", UUID.randomUUID().toString());
        ids.put("invitation-id", UUID.randomUUID().toString());
        return ids;
    }

    /** What A has: its objects as listed (timestamps of reads aside). */
    private static String snapshot(Api a) {
        StringBuilder s = new StringBuilder();
        for (String list : List.of("/v1/apps", "/v1/builds", "/v1/tasks", "/v1/registry", "/v1/zones", "/v1/certificates", "/v1/nodes", "/v1/users",
                "/v1/api_keys", "/v1/approval_policy")) {
            s.append(list).append(' ').append(a.get(list).expect(200).raw().body().replaceAll("\"last_(used|logged_in)_at\":\\d+,?", "")).append('\n');
        }
        return s.toString();
    }

    private static String fill(String template, Map<String, String> ids) {
        Matcher m = PARAM.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, ids.getOrDefault(m.group(1), UUID.randomUUID().toString()));
        }
        return m.appendTail(out).toString();
    }

    private static Api.Response send(Api as, String method, String path) {
        return send(as, method, path, "{}");
    }

    private static Api.Response send(Api as, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(as.base() + path)).header("Authorization", "Bearer " + as.token())
                .header("Content-Type", "application/json")
                .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return Api.send(b);
    }

    private static String code(Api.Response r) {
        return r.body() == null ? "" : r.body().path("code").asString("");
    }
}
