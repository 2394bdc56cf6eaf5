// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.fortanix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 15: a client generated from Fortanix CCM's own API description works against OpenCCM unchanged. This test
 * reads that description (testdata/reference/ccm-openapi.json, Swagger 2.0) and acts as such a client would: it sends
 * the session token in the {@code Authentication} header of the description's apiKey scheme, JSON bodies without a
 * Content-Type (the description declares no {@code consumes}), bodies built from the request schemas and the
 * description's paths and field names. Every in-scope operation is called once, in the order a user would, and its
 * answer is checked against the documented success status and response schema.
 *
 * <p>The issue is done when {@link #KNOWN_GAPS} is empty. Until then the list is a ratchet: an operation outside it
 * must pass, and one inside it must still fail, so that fixing an operation forces its removal from the list.
 */
@org.springframework.test.context.TestPropertySource(properties = "openccm.auth.self-signup=true")
class FortanixConformanceTest extends ApiTest {
    private static final Path DESCRIPTION = Path.of("testdata/reference/ccm-openapi.json");

    /** Path groups issue 15 leaves out: Fortanix features OpenCCM does not have. */
    private static final Pattern OUT_OF_SCOPE =
            Pattern.compile("^/v1/(system/config|app_configs|runtime|approval_requests|clusters|datasets|workflow).*");

    private static final int IN_SCOPE_OPERATIONS = 64;

    private static final List<String> PCRS = List.of(Fixtures.hex(48, 151), Fixtures.hex(48, 152), Fixtures.hex(48, 153));

    /**
     * The operations that do not yet answer as the description says: none. The set stays as a ratchet for the
     * description's next version. (createUser is Fortanix's self-signup, off by default: this test runs a server that
     * turned it on.)
     */
    static final Set<String> KNOWN_GAPS = Set.of();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private record Operation(String id, String method, String path, JsonNode spec) {}

    /** What one operation answered and how it compares with the description. */
    private record Outcome(Operation operation, int status, Boolean exists, int documented, List<String> violations) {
        boolean passed() {
            return status == documented && violations.isEmpty();
        }
    }

    private JsonNode description;
    private SwaggerSchemaValidator validator;
    private SwaggerRequestBuilder builder;
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final Map<String, Outcome> outcomes = new LinkedHashMap<>();
    /** Operations this machine cannot check (the converter service without the tests' registry, outside CI). */
    private final java.util.Set<String> unverifiable = new java.util.HashSet<>();
    /** The ids the scenario holds, by parameter or property name with '_' for '-' (app_id, zone_id, ...). */
    private final Map<String, String> ids = new HashMap<>();
    private String token;
    /** How the server answers a path it does not know (its detail names the path), to tell it from "no such app". */
    private String unknownPathDetail;
    private String unknownPathProbe;

    @BeforeEach
    void readDescription() throws IOException {
        description = Api.JSON.readTree(Files.readString(locate(DESCRIPTION)));
        validator = new SwaggerSchemaValidator(description);
        builder = new SwaggerRequestBuilder(validator, name -> ids.get(name.replace('-', '_')));
        for (Map.Entry<String, JsonNode> path : description.path("paths").properties()) {
            if (OUT_OF_SCOPE.matcher(path.getKey()).matches()) {
                continue;
            }
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                String id = method.getValue().path("operationId").asString();
                operations.put(id, new Operation(id, method.getKey().toUpperCase(), path.getKey(), method.getValue()));
            }
        }
    }

    @Test
    void everyInScopeOperationAnswersAsTheDescriptionSays() {
        assertThat(operations).as("in-scope operations of the description").hasSize(IN_SCOPE_OPERATIONS);
        assertThat(operations.keySet()).as("KNOWN_GAPS names operations of the description").containsAll(KNOWN_GAPS);

        logIn();
        probeUnknownPath();
        accounts();
        apps();
        tasks();
        builds();
        registries();
        zones();
        nodesAndCertificates();
        users();
        deletes();
        step("refresh", () -> call("refresh"));
        step("terminate", () -> call("terminate"));

        report();
        assertThat(outcomes.keySet()).as("operations the scenario called").containsExactlyInAnyOrderElementsOf(operations.keySet());
        List<String> newlyFailing = outcomes.values().stream()
                .filter(o -> !o.passed() && !KNOWN_GAPS.contains(o.operation().id()) && !unverifiable.contains(o.operation().id()))
                .map(FortanixConformanceTest::line)
                .toList();
        List<String> fixed = outcomes.values().stream()
                .filter(o -> o.passed() && KNOWN_GAPS.contains(o.operation().id()))
                .map(o -> o.operation().id())
                .toList();
        assertThat(newlyFailing).as("operations outside KNOWN_GAPS that do not answer as the description says").isEmpty();
        assertThat(fixed).as("operations that now pass: remove them from KNOWN_GAPS").isEmpty();
    }

    // ---- the scenario, in the order a user of a generated client would go ----

    private void logIn() {
        step("getManagerVersion", () -> call("getManagerVersion"));
        step("discover", () -> call("discover", Map.of(), Api.object().put("user_email", ADMIN_EMAIL)));
        // The description's AuthRequest body is for single sign-on and is optional; a password login is Fortanix's
        // documented HTTP Basic on the same operation, which a generated client sends as a header its user sets.
        String basic = Base64.getEncoder().encodeToString((ADMIN_EMAIL + ":" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        step("authenticateUser", () -> {
            JsonNode body = call("authenticateUser", Map.of(), null, Map.of("Authorization", "Basic " + basic));
            token = text(body, "access_token");
        });
        if (token == null) {
            // Without a session nothing else can be measured: take one the native way and go on.
            token = api.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200).text("access_token");
        }
        step("getLoggedInUser", () -> remember("self_id", call("getLoggedInUser"), "user_id"));
    }

    private void probeUnknownPath() {
        unknownPathProbe = "/v1/conformance-probe-" + UUID.randomUUID();
        HttpResponse<String> probe = send("GET", unknownPathProbe, null, Map.of("Authorization", "Bearer " + token));
        unknownPathDetail = probe.statusCode() == 404 ? parse(probe.body()).path("detail").asString("") : "";
    }

    private void accounts() {
        step("getAccounts", () -> call("getAccounts"));
        step("createAccount", () -> remember("account_id", call("createAccount"), "acct_id"));
        if (!ids.containsKey("account_id")) {
            ids.put("account_id", nativeApi().post("/v1/accounts", Api.object().put("name", "conformance-" + UUID.randomUUID()))
                    .expect(200).text("acct_id"));
        }
        step("selectAccountBodrum", () -> call("selectAccountBodrum"));
        // Later steps build on the selected account whatever selectAccountBodrum answered.
        setUp(() -> nativeApi().post("/v1/sys/session/select_account/" + ids.get("account_id"), null).expect(200));
        step("getAccount", () -> call("getAccount"));
        step("updateAccount", () -> call("updateAccount", Map.of(), Api.object().put("name", "conformance-renamed-" + UUID.randomUUID())));
    }

    private void apps() {
        // An Enclave OS app as a Fortanix client makes one (OpenCCM makes it a Nitro one, the guide's default).
        ObjectNode app = Api.object()
                .put("input_image_name", Fixtures.UNREACHABLE + "/openccm/nginx")
                .put("output_image_name", Fixtures.UNREACHABLE + "/openccm/nginx-converted");
        app.putArray("allowed_domains").add("app-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com");
        step("addApplication", () -> {
            JsonNode created = call("addApplication", Map.of(), app);
            remember("app_id", created, "app_id");
            remember("task_id", created, "pending_task_id");
        });
        if (!ids.containsKey("app_id")) {
            setUp(() -> {
                ObjectNode same = Fixtures.app("ENCLAVE_OS").put("input_image_name", app.path("input_image_name").asString())
                        .put("output_image_name", app.path("output_image_name").asString());
                JsonNode created = nativeApi().post("/v1/apps", same).expect(200).body();
                ids.put("app_id", text(created, "app_id"));
                remember("task_id", created, "pending_task_id");
            });
        }
        step("getAllApps", () -> call("getAllApps"));
        step("getApp", () -> call("getApp"));
        step("updateApp", () -> call("updateApp", Map.of(), Api.object().put("description", "updated by the conformance test")));
        step("getAppsUniqueLabels", () -> call("getAppsUniqueLabels"));
    }

    private void tasks() {
        step("getAllTasks", () -> {
            JsonNode all = call("getAllTasks");
            if (!ids.containsKey("task_id")) {
                remember("task_id", all.path("items").path(0), "task_id");
            }
        });
        step("getTask", () -> call("getTask"));
        step("getTaskStatus", () -> call("getTaskStatus"));
        // The request builder's first enum value of ApprovalStatus is APPROVED: the app's domain is approved.
        step("UpdateTask", () -> call("UpdateTask"));
    }

    private void builds() {
        // A Nitro image of the app, its PCRs in the description's attributes shape (a map to one platform's values).
        ObjectNode build = Api.object().put("app_id", id("app_id"));
        build.putObject("attributes").putObject("default").putObject("nitro_enclave").put("hash_algorithm", "Sha384")
                .put("pcr0", Fixtures.hex(48, 91)).put("pcr1", Fixtures.hex(48, 92)).put("pcr2", Fixtures.hex(48, 93));
        build.putObject("docker_info").put("docker_image_name", Fixtures.UNREACHABLE + "/openccm/nginx-converted").put("docker_version", "1");
        step("createBuild", () -> {
            JsonNode created = call("createBuild", Map.of(), build);
            remember("build_id", created, "build_id");
            remember("pending_task_id", created, "pending_task_id");
        });
        if (!ids.containsKey("build_id")) {
            setUp(() -> {
                UUID sgxApp = Fixtures.createApp(nativeApi(), "EDP-SGX");
                JsonNode created = nativeApi().post("/v1/builds", Fixtures.sgxBuild(sgxApp)).expect(200).body();
                ids.put("build_id", text(created, "build_id"));
                remember("pending_task_id", created, "pending_task_id");
            });
        }
        step("getAllBuilds", () -> call("getAllBuilds"));
        step("getBuild", () -> call("getBuild"));
        step("updateBuild", () -> call("updateBuild"));
        step("getBuildDeployments", () -> call("getBuildDeployments"));

        ObjectNode images = Api.object();
        ObjectNode request = images.putObject("request").put("app_id", id("app_id"));
        request.putObject("input_image").put("name", Fixtures.UNREACHABLE + "/openccm/nginx:1");
        request.putObject("output_image").put("name", Fixtures.UNREACHABLE + "/openccm/nginx-converted:1");
        step("convertAppBuildNitroEnclaves", () -> call("convertAppBuildNitroEnclaves", Map.of(), images));
        // A Fortanix client makes an ACI app by converting the first image of a new app (its apps have no type).
        String aciApp = Fixtures.createApp(nativeApi(), "ENCLAVE_OS").toString();
        ObjectNode aci = Api.object().put("app_id", aciApp);
        aci.putObject("input_image").put("name", Fixtures.UNREACHABLE + "/library/python:3");
        step("convertAppBuildAci", () -> call("convertAppBuildAci", Map.of(), aci));

        // The converter service converts within the request: it needs a real image, pushed to the tests' registry.
        String toolImage = null;
        try {
            toolImage = org.openccm.server.registry.TestRegistry.host() + "/openccm/conformance-" + UUID.randomUUID();
            org.openccm.server.registry.TestImages.pushAciImage(toolImage + ":1", false);
        } catch (org.opentest4j.TestAbortedException noRegistry) {
            System.out.println("SKIPPING the converter service's operations (outside CI without docker-registry): " + noRegistry.getMessage());
            unverifiable.addAll(List.of("convertAppNitroEnclaves", "convertAppAci"));
            toolImage = Fixtures.UNREACHABLE + "/openccm/conformance";
        } catch (Exception e) {
            throw new IllegalStateException("the converter service's test image could not be pushed", e);
        }
        ObjectNode tool = Api.object();
        ObjectNode toolRequest = tool.putObject("request");
        toolRequest.putObject("input_image").put("name", toolImage + ":1").set("auth_config", registryAuth());
        toolRequest.putObject("output_image").put("name", toolImage + "-nitro:1").set("auth_config", registryAuth());
        step("convertAppNitroEnclaves", () -> call("convertAppNitroEnclaves", Map.of(), tool));
        ObjectNode aciTool = Api.object();
        ObjectNode aciRequest = aciTool.putObject("request");
        aciRequest.putObject("input_image").put("name", toolImage + ":1").set("auth_config", registryAuth());
        aciRequest.putObject("output_image").put("name", toolImage + "-aci:1");
        step("convertAppAci", () -> call("convertAppAci", Map.of(), aciTool));
    }

    private void registries() {
        String host = "registry-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        ObjectNode registry = Api.object().put("url", host);
        registry.putObject("credential").putObject("default").put("username", "robot").put("password", "conformance-registry-secret");
        step("createRegistry", () -> remember("registry_id", call("createRegistry", Map.of(), registry), "registry_id"));
        step("getAllRegistries", () -> call("getAllRegistries"));
        step("getRegistry", () -> call("getRegistry"));
        // The update is a JSON patch; rotating the saved credential is its typical use (and value is an object).
        ObjectNode rotated = Api.object();
        rotated.putObject("default").put("username", "robot").put("password", "conformance-registry-rotated");
        tools.jackson.databind.node.ArrayNode update = Api.JSON.createArrayNode();
        update.addObject().put("op", "replace").put("path", "/credential").set("value", rotated);
        step("updateRegistry", () -> call("updateRegistry", Map.of(), update));
        step("getRegistryForApp", () -> call("getRegistryForApp"));
        step("getRegistryForImage", () -> call("getRegistryForImage", Map.of("image_name", host + "/team/app:1"), null));
    }

    private void zones() {
        step("getZones", () -> remember("zone_id", call("getZones").path(0), "zone_id"));
        if (!ids.containsKey("zone_id")) {
            setUp(() -> ids.put("zone_id", text(nativeApi().get("/v1/zones").expect(200).body().path(0), "zone_id")));
        }
        step("getZone", () -> call("getZone"));
        step("getZoneJoinToken", () -> call("getZoneJoinToken"));
        step("GetZoneCertificates", () -> call("GetZoneCertificates"));
        step("createZoneCertificate", () -> call("createZoneCertificate"));
        step("rotateZoneCertificate", () -> call("rotateZoneCertificate"));
    }

    private void nodesAndCertificates() {
        // A node comes from an attestation, which the description has no in-scope operation for: set one up natively.
        String nitroApp = UUID.randomUUID().toString();
        try {
            nitroApp = Fixtures.approvedNitroApp(nativeApi(), "node-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com").toString();
            Fixtures.approvedNitroImage(nativeApi(), UUID.fromString(nitroApp), PCRS);
            JsonNode attested = Fixtures.attestedNitroWorkload(nativeApi(), PCRS);
            ids.put("node_id", text(attested, "node_id"));
            ids.put("cert_id", text(attested, "certificate_id"));
        } catch (Exception | AssertionError e) {
            // The node operations still run (on unknown ids) and fail visibly in the table.
            System.out.println("setting up an attested node failed: " + e);
        }
        String nodeApp = nitroApp;
        step("provisionNode", () -> call("provisionNode", Map.of(), Api.object().put("ipaddress", "192.0.2.10").put("sgx_version", "2")));
        step("getAllNodes", () -> call("getAllNodes"));
        step("getNode", () -> call("getNode"));
        ObjectNode patch = Api.object();
        // The description types a patch value as an object; a node's description is text, as Fortanix's console sends it.
        patch.putArray("patch").addObject().put("op", "replace").put("path", "/description").put("value", "conformance node");
        step("updateNode", () -> call("updateNode", Map.of(), patch));
        step("getNodeCertificate", () -> call("getNodeCertificate"));
        step("getNodeCertificateDetails", () -> call("getNodeCertificateDetails"));
        step("getCertificate", () -> call("getCertificate"));
        step("getAppNodeCertificateDetails", () -> call("getAppNodeCertificateDetails", Map.of("app-id", nodeApp), null));
        step("getAppCertificate", () -> call("getAppCertificate", Map.of("app-id", nodeApp), null));
    }

    private void users() {
        step("getAllUsers", () -> call("getAllUsers"));
        String signUpEmail = "signup-" + UUID.randomUUID() + "@openccm.test";
        step("createUser", () -> remember("signed_up_user_id", call("createUser", Map.of(),
                Api.object().put("user_email", signUpEmail).put("user_password", "conformance-signup")), "user_id"));
        // An invited user is not a member until they accept: the user operations below use a member.
        step("inviteUser", () -> remember("invited_user_id", call("inviteUser"), "user_id"));
        if (!ids.containsKey("user_id")) {
            setUp(() -> ids.put("user_id", nativeApi().newMember("VIEWER").userId().toString()));
        }
        step("getUser", () -> call("getUser"));
        step("UpdateUser", () -> call("UpdateUser", Map.of(), roles("WRITER")));
        step("getUserAccounts", () -> call("getUserAccounts"));
        step("deleteUserFromAccount", () -> call("deleteUserFromAccount"));
        // "Completely deletes the currently logged in user": the signed-up user, logged in, deletes itself.
        step("deleteUserAccount", () -> {
            String own = token;
            Api signedUp = nativeApi().as(null);
            signedUp.logIn(signUpEmail, "conformance-signup");
            token = signedUp.token();
            try {
                call("deleteUserAccount", Map.of("user-id", ids.getOrDefault("signed_up_user_id", UUID.randomUUID().toString())), null);
            } finally {
                token = own;
            }
        });
    }

    private void deletes() {
        if (!ids.containsKey("pending_task_id")) {
            setUp(() -> ids.put("pending_task_id", text(nativeApi().post("/v1/apps", Fixtures.app("EDP-SGX")).expect(200).body(), "pending_task_id")));
        }
        step("deleteTask", () -> call("deleteTask", Map.of("task-id", id("pending_task_id")), null));
        step("deleteBuild", () -> call("deleteBuild"));
        step("deleteRegistry", () -> call("deleteRegistry"));
        step("deactivateNode", () -> call("deactivateNode"));
        // An app goes once its images have: the conversion steps left some, which a user would delete first.
        setUp(() -> {
            for (JsonNode image : nativeApi().get("/v1/builds").expect(200).body().path("items")) {
                if (image.path("app_id").asString().equals(ids.get("app_id"))) {
                    nativeApi().delete("/v1/builds/" + image.path("build_id").asString());
                }
            }
        });
        step("deleteApp", () -> call("deleteApp"));
        // The selected account stays for the session steps: a second one is made to be deleted.
        setUp(() -> ids.put("spare_account_id", nativeApi().post("/v1/accounts",
                Api.object().put("name", "conformance-spare-" + UUID.randomUUID())).expect(200).text("acct_id")));
        step("deleteAccount", () -> call("deleteAccount", Map.of("account-id", id("spare_account_id")), null));
    }

    // ---- the generated client ----

    private static ObjectNode registryAuth() {
        return Api.object().put("username", org.openccm.server.registry.TestRegistry.USER)
                .put("password", org.openccm.server.registry.TestRegistry.PASSWORD);
    }

    private JsonNode call(String operationId) {
        return call(operationId, Map.of(), null);
    }

    private JsonNode call(String operationId, Map<String, String> parameters, JsonNode bodyOverrides) {
        return call(operationId, parameters, bodyOverrides, Map.of());
    }

    /**
     * Calls the operation as a generated client would and records the outcome; its parsed body. Path parameters come
     * from {@code parameters}, else the scenario's ids; query parameters only when required.
     */
    private JsonNode call(String operationId, Map<String, String> parameters, JsonNode bodyOverrides, Map<String, String> headers) {
        Operation operation = operations.get(operationId);
        String path = operation.path();
        List<String> query = new ArrayList<>();
        String body = null;
        for (JsonNode parameter : operation.spec().path("parameters")) {
            parameter = validator.resolve(parameter);
            String name = parameter.path("name").asString();
            String value = parameters.containsKey(name) ? parameters.get(name) : null;
            switch (parameter.path("in").asString()) {
                case "path" -> path = path.replace("{" + name + "}", value != null ? value : builder.parameter(parameter));
                case "query" -> {
                    if (value != null || parameter.path("required").asBoolean(false)) {
                        query.add(name + "=" + URLEncoder.encode(value != null ? value : builder.parameter(parameter), StandardCharsets.UTF_8));
                    }
                }
                case "body" -> {
                    if (bodyOverrides != null || parameter.path("required").asBoolean(false)) {
                        body = builder.body(parameter.path("schema"), bodyOverrides).toString();
                    }
                }
                default -> {}
            }
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Accept", "application/json");
        if (token != null && authenticated(operation)) {
            all.put("Authentication", "Bearer " + token);
        }
        String target = path + (query.isEmpty() ? "" : "?" + String.join("&", query));
        HttpResponse<String> response = send(operation.method(), target, body, all);
        record(operation, path, response);
        return parse(response.body());
    }

    /**
     * Whether the client sends the session token. Most operations declare the bearerToken scheme; some of those
     * Fortanix authenticates declare none, and say in x-auth-resource who may call them: a client's user configures
     * the header for every call but the ones marked NoAuth.
     */
    private static boolean authenticated(Operation operation) {
        return !operation.spec().path("security").isEmpty()
                || !operation.spec().path("x-auth-resource").asString("NoAuth").equals("NoAuth");
    }

    private HttpResponse<String> send(String method, String target, String body, Map<String, String> headers) {
        // No Content-Type: the description declares no consumes, so a generated client sets none.
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + target))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void record(Operation operation, String path, HttpResponse<String> response) {
        int status = response.statusCode();
        String documentedCode = documentedSuccess(operation);
        int documented = Integer.parseInt(documentedCode);
        List<String> violations = new ArrayList<>();
        if (status != documented) {
            violations.add("status " + status + " (documented " + documented + "): " + cut(response.body()));
        } else {
            JsonNode schema = operation.spec().path("responses").path(documentedCode).path("schema");
            if (schema.isMissingNode() || schema.isEmpty()) {
                if (!response.body().isEmpty()) {
                    violations.add("$: a body where the description documents none");
                }
            } else {
                try {
                    violations.addAll(validator.validate(Api.JSON.readTree(response.body()), schema));
                } catch (RuntimeException notJson) {
                    violations.add("$: not JSON: " + cut(response.body()));
                }
            }
        }
        outcomes.put(operation.id(), new Outcome(operation, status, exists(status, path, response.body()), documented, violations));
    }

    /** Whether the server has the operation; null when its answer cannot tell (refused before routing). */
    private Boolean exists(int status, String path, String body) {
        if (status == 401 || status == 403) {
            return null;
        }
        if (status == 405 || status == 501) {
            return false;
        }
        if (status == 404 && !unknownPathDetail.isEmpty()) {
            return !parse(body).path("detail").asString("").equals(unknownPathDetail.replace(unknownPathProbe, path));
        }
        return true;
    }

    private static String documentedSuccess(Operation operation) {
        for (String code : operation.spec().path("responses").propertyNames()) {
            if (code.startsWith("2")) {
                return code;
            }
        }
        throw new IllegalStateException(operation.id() + " documents no success status");
    }

    /** Runs one step of the scenario; a failure is recorded against its operation and the scenario goes on. */
    private void step(String operationId, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (!outcomes.containsKey(operationId)) {
                Operation operation = operations.get(operationId);
                outcomes.put(operationId, new Outcome(operation, -1, null, Integer.parseInt(documentedSuccess(operation)),
                        List.of("client error: " + e)));
            }
        }
    }

    private void report() {
        StringBuilder table = new StringBuilder("\nFortanix CCM conformance (").append(DESCRIPTION).append(")\n");
        table.append(String.format("%-30s %-6s %-52s %6s %5s  %s%n", "operationId", "method", "path", "status", "valid", "first violations"));
        for (Outcome o : outcomes.values()) {
            table.append(String.format("%-30s %-6s %-52s %6d %5s  %s%n", o.operation().id(), o.operation().method(),
                    o.operation().path(), o.status(), o.passed() ? "yes" : "NO",
                    o.passed() ? "" : String.join(" | ", o.violations().subList(0, Math.min(3, o.violations().size())))
                            + (o.violations().size() > 3 ? " (+" + (o.violations().size() - 3) + " more)" : "")));
        }
        long implemented = outcomes.values().stream().filter(o -> Boolean.TRUE.equals(o.exists())).count();
        long valid = outcomes.values().stream().filter(Outcome::passed).count();
        Set<String> unknown = new TreeSet<>();
        outcomes.values().stream().filter(o -> o.exists() == null).forEach(o -> unknown.add(o.operation().id()));
        table.append(String.format("implemented %d/%d, schema-valid %d/%d%s%n", implemented, IN_SCOPE_OPERATIONS, valid,
                IN_SCOPE_OPERATIONS, unknown.isEmpty() ? "" : " (" + unknown.size() + " refused before routing: existence unknown)"));
        table.append("\nAll violations of the failing operations (at most 12 each):\n");
        for (Outcome o : outcomes.values()) {
            if (!o.passed()) {
                o.violations().stream().limit(12).forEach(v -> table.append("  ").append(o.operation().id()).append(": ").append(v).append('\n'));
            }
        }
        System.out.println(table);
    }

    private static String line(Outcome o) {
        return o.operation().id() + " " + o.status() + " " + (o.violations().isEmpty() ? "" : o.violations().get(0));
    }

    // ---- small helpers ----

    /**
     * Sets up, the native way, what a failed step should have made, so that the later operations are measured on
     * their own; a failure here leaves them to fail visibly on unknown ids.
     */
    private static void setUp(Runnable setUp) {
        try {
            setUp.run();
        } catch (RuntimeException | AssertionError e) {
            System.out.println("native set-up failed: " + e);
        }
    }

    private Api nativeApi() {
        return api.as(token);
    }

    /** The id the scenario holds under {@code key}, or a random one (the operation then fails on it, visibly). */
    private String id(String key) {
        return ids.getOrDefault(key, UUID.randomUUID().toString());
    }

    private void remember(String key, JsonNode body, String field) {
        String value = text(body, field);
        if (value != null) {
            ids.put(key, value);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.path(field);
        return value.isString() && !value.asString().isEmpty() ? value.asString() : null;
    }

    private static ObjectNode roles(String role) {
        ObjectNode body = Api.object();
        body.putArray("roles").add(role);
        return body;
    }

    private static JsonNode parse(String body) {
        try {
            return body.isEmpty() ? Api.JSON.missingNode() : Api.JSON.readTree(body);
        } catch (RuntimeException notJson) {
            return Api.JSON.missingNode();
        }
    }

    private static String cut(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return flat.length() > 160 ? flat.substring(0, 160) + "..." : flat;
    }

    static Path locate(Path relative) {
        // Maven runs the tests in the module directory; the description lives at the repository's root.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
