// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A small real HTTP client for the tests: JSON in, JSON out, one bearer token. */
public final class Api {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final String base;
    private String token;

    public Api(String base) {
        this.base = base;
    }

    public record Response(int status, JsonNode body, HttpResponse<String> raw) {
        public Response expect(int expected) {
            assertThat(status).as("HTTP status of %s %s: %s", raw.request().method(), raw.request().uri(), raw.body())
                    .isEqualTo(expected);
            return this;
        }

        public String text(String field) {
            return body.path(field).asString();
        }

        public UUID id(String field) {
            return UUID.fromString(body.path(field).asString());
        }

        /** Asserts a 400 that names {@code field}. */
        public Response rejects(String field) {
            expect(400);
            assertThat(body.path("field").asString()).as("field named by %s", raw.body()).isEqualTo(field);
            return this;
        }
    }

    public Api as(String bearer) {
        Api other = new Api(base);
        other.token = bearer;
        return other;
    }

    public String base() {
        return base;
    }

    public String token() {
        return token;
    }

    /** Logs in with HTTP Basic and keeps the session token for the next calls. */
    public Response logIn(String email, String password) {
        String basic = Base64.getEncoder().encodeToString((email + ":" + password).getBytes(StandardCharsets.UTF_8));
        Response r = send(HttpRequest.newBuilder(URI.create(base + "/v1/sys/auth"))
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (r.status() == 200) {
            token = r.text("access_token");
        }
        return r;
    }

    /** A new session of the first admin in a new account of its own, selected. */
    public UUID logInToNewAccount() {
        logIn(ApiTest.ADMIN_EMAIL, ApiTest.ADMIN_PASSWORD).expect(200);
        UUID account = post("/v1/accounts", object().put("name", "test-" + UUID.randomUUID()))
                .expect(200)
                .id("acct_id");
        post("/v1/sys/session/select_account/" + account, null).expect(200);
        return account;
    }

    /** Adds a member with the role to the current account and returns a logged-in client for them. */
    public Api newMember(String role) {
        String email = role.toLowerCase() + "-" + UUID.randomUUID() + "@openccm.test";
        post("/v1/users", object().put("user_email", email).put("password", "member-password").put("role", role))
                .expect(201);
        Api member = as(null);
        member.logIn(email, "member-password").expect(200);
        return member;
    }

    public UUID userId() {
        return id(get("/v1/user").expect(200), "user_id");
    }

    private static UUID id(Response r, String field) {
        return r.id(field);
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path, JsonNode body) {
        return send(json(request(path), "POST", body == null ? "" : body.toString()));
    }

    public Response postRaw(String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Response send(String method, String path, JsonNode body) {
        return send(json(request(path), method, body.toString()));
    }

    public Response put(String path, JsonNode body) {
        return send(json(request(path), "PUT", body.toString()));
    }

    public Response patch(String path, JsonNode body) {
        return send(json(request(path), "PATCH", body.toString()));
    }

    public Response postText(String path, String body) {
        return send(json(request(path), "POST", body));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private static HttpRequest.Builder json(HttpRequest.Builder b, String method, String body) {
        return b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    public static Response send(HttpRequest.Builder request) {
        return send(HTTP, request);
    }

    /** Sends on a connection of its own, closed afterwards: no keep-alive connection shared with other requests. */
    public static Response sendOnNewConnection(HttpRequest.Builder request) {
        try (HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return send(own, request);
        }
    }

    private static Response send(HttpClient client, HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isEmpty() ? JSON.missingNode() : parse(r.body());
            return new Response(r.statusCode(), body, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (RuntimeException notJson) {
            return JSON.getNodeFactory().stringNode(body);
        }
    }
}
