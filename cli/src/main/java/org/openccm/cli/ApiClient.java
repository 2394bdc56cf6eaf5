// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** OpenCCM's REST API over the JDK's HTTP client: JSON in and out, one bearer credential. */
public final class ApiClient {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String bearer;

    public ApiClient(String base, String bearer) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.bearer = bearer;
    }

    /** The server could not be reached at all. */
    public static final class Unreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public JsonNode get(String path) {
        return send("GET", path, request(path).GET());
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, request(path).DELETE());
    }

    public JsonNode post(String path, JsonNode body) {
        return send("POST", path, json(request(path), "POST", body));
    }

    public JsonNode patch(String path, JsonNode body) {
        return send("PATCH", path, json(request(path), "PATCH", body));
    }

    /** HTTP Basic log-in: the answer holds the bearer token. */
    public JsonNode logIn(String email, String password) {
        String basic = Base64.getEncoder().encodeToString((email + ":" + password).getBytes(StandardCharsets.UTF_8));
        return send("POST", "/v1/sys/auth", HttpRequest.newBuilder(uri("/v1/sys/auth"))
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** multipart/form-data: text parts, and file parts given as name to (filename, bytes). */
    public JsonNode multipart(String path, Map<String, String> fields, Map<String, Map.Entry<String, byte[]>> files) {
        String boundary = "openccm-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        fields.forEach((name, value) -> part(body, boundary, "Content-Disposition: form-data; name=\"" + name + "\"\r\n"
                + "Content-Type: application/json\r\n", value.getBytes(StandardCharsets.UTF_8)));
        files.forEach((name, file) -> part(body, boundary, "Content-Disposition: form-data; name=\"" + name + "\"; filename=\""
                + file.getKey().replace("\"", "") + "\"\r\nContent-Type: application/octet-stream\r\n", file.getValue()));
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return send("POST", path, request(path)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private static void part(ByteArrayOutputStream body, String boundary, String headers, byte[] content) {
        body.writeBytes(("--" + boundary + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(2)).header("Accept", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    private URI uri(String path) {
        try {
            return URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a server URL: " + base, e);
        }
    }

    private static HttpRequest.Builder json(HttpRequest.Builder b, String method, JsonNode body) {
        return b.header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    private JsonNode send(String method, String path, HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Unreachable("cannot reach " + base + ": connection refused", e);
        } catch (IOException e) {
            throw new Unreachable("cannot reach " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400) {
            throw new ApiError(response.statusCode(), body, method, path);
        }
        return body;
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(text);
        } catch (RuntimeException notJson) {
            return JSON.getNodeFactory().stringNode(text);
        }
    }
}
