// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every operation of {@code /v1/openapi.json}, sent bad input: malformed JSON, wrong types, missing and null fields,
 * nulls inside lists, 1 MB strings, 10,000-deep nesting, bad and foreign ids, wrong and missing content types, and an
 * oversize body. Never a 5xx; every refusal is problem+json, a 400 names its field, and no body shows a stack trace,
 * a Java type or a huge echo of the input. The number of requests sent is printed (the README's security section).
 */
class BadInputSweepTest extends ApiTest {
    private static final Pattern INTERNALS = Pattern.compile(
            "java\\.|javax\\.|jakarta\\.|Exception|tools\\.jackson|com\\.fasterxml|org\\.openccm|springframework|\\tat |SQL|postgres|Tomcat",
            Pattern.CASE_INSENSITIVE);
    private static final String MEGABYTE = "x".repeat(1 << 20);
    private static final List<String> BAD_IDS = List.of("%20", "not-a-uuid", "a".repeat(300), "b".repeat(8000), "%E2%80%AE", "1%27%20OR%20%271%27=%271",
            "..%2F..%2Fetc", "%00", UUID.randomUUID().toString());

    private final List<String> failures = new ArrayList<>();
    private final List<String> retried = new ArrayList<>();
    private int sent;

    @Test
    void noOperationAnswersBadInputWithA5xxOrInternals() {
        api.logInToNewAccount();
        JsonNode doc = api.get("/v1/openapi.json").expect(200).body();
        JsonNode schemas = doc.path("components").path("schemas");
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                String method = op.getKey().toUpperCase();
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method) || logsOut(path.getKey())) {
                    continue;
                }
                sweep(method, path.getKey(), op.getValue(), schemas);
            }
        }
        System.out.println("[openccm] bad-input sweep: " + sent + " requests over the operations of /v1/openapi.json, "
                + failures.size() + " wrong answers, " + retried.size() + " sent again after a closed connection " + retried);
        assertThat(failures).as("wrong answers to bad input").isEmpty();
        assertThat(sent).isGreaterThan(2000);
    }

    private void sweep(String method, String template, JsonNode op, JsonNode schemas) {
        // Bad ids in every path parameter (the others filled with a foreign, well-formed id).
        if (template.contains("{")) {
            for (String bad : BAD_IDS) {
                check(method, fill(template, bad), "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            }
        }
        String target = fill(template, UUID.randomUUID().toString());
        JsonNode body = op.path("requestBody").path("content");
        if (!body.has("application/json") || method.equals("GET") || method.equals("DELETE")) {
            // Operations without a JSON body: query parameters made bad.
            for (JsonNode p : op.path("parameters")) {
                if (p.path("in").asString().equals("query")) {
                    check(method, target + "?" + p.path("name").asString() + "=" + "%00x", null, null);
                    check(method, target + "?" + p.path("name").asString() + "=" + "y".repeat(5000), null, null);
                    check(method, target + "?" + p.path("name").asString() + "=-1", null, null);
                }
            }
            check(method, target, null, null);
            return;
        }
        JsonNode schema = resolve(body.path("application/json").path("schema"), schemas);
        for (String raw : List.of("{", "[]", "\"x\"", "null", "{}", "{\"a\":", "[".repeat(10_000) + "]".repeat(10_000),
                "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000), "\uFEFF{}", "{\"x\":1}{}")) {
            check(method, target, "application/json", raw.getBytes(StandardCharsets.UTF_8));
        }
        byte[] minimal = "{}".getBytes(StandardCharsets.UTF_8);
        for (String type : List.of("text/plain", "*/*", "application/xml", "application/x-www-form-urlencoded", "")) {
            check(method, target, type, minimal);
        }
        check(method, target, "application/json", ("{\"a\":\"" + "z".repeat(3 << 20) + "\"}").getBytes(StandardCharsets.UTF_8));
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        schema.path("properties").properties().forEach(e -> properties.put(e.getKey(), resolve(e.getValue(), schemas)));
        // One level down as well: a bad value inside an otherwise plausible nested object.
        for (Map.Entry<String, JsonNode> property : properties.entrySet()) {
            JsonNode inner = property.getValue();
            for (Map.Entry<String, JsonNode> nested : inner.path("properties").properties()) {
                for (JsonNode value : List.of(Api.JSON.getNodeFactory().stringNode(MEGABYTE), Api.JSON.getNodeFactory().stringNode("nul\u0000inside"),
                        Api.JSON.createArrayNode().addNull(), Api.JSON.getNodeFactory().numberNode(Long.MAX_VALUE))) {
                    ObjectNode full = plausible(properties, schemas, 0);
                    if (full.get(property.getKey()) instanceof ObjectNode o) {
                        o.set(nested.getKey(), value);
                        check(method, target, "application/json", full.toString().getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        for (Map.Entry<String, JsonNode> property : properties.entrySet()) {
            String name = property.getKey();
            for (JsonNode value : badValues(property.getValue())) {
                ObjectNode one = Api.object();
                one.set(name, value);
                check(method, target, "application/json", one.toString().getBytes(StandardCharsets.UTF_8));
                // beside plausible values for the rest, so that the bad one is reached past "required" checks
                ObjectNode full = plausible(properties, schemas, 0);
                full.set(name, value);
                check(method, target, "application/json", full.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static List<JsonNode> badValues(JsonNode schema) {
        List<JsonNode> values = new ArrayList<>();
        values.add(Api.JSON.nullNode());
        values.add(Api.JSON.getNodeFactory().stringNode(MEGABYTE));
        values.add(Api.JSON.getNodeFactory().stringNode("nul\u0000inside"));
        values.add(Api.JSON.getNodeFactory().stringNode(" "));
        values.add(Api.JSON.getNodeFactory().numberNode(-1));
        values.add(Api.JSON.getNodeFactory().numberNode(Long.MAX_VALUE));
        values.add(Api.JSON.getNodeFactory().booleanNode(true));
        values.add(Api.JSON.createArrayNode().addNull());
        values.add(Api.JSON.createArrayNode().add(MEGABYTE));
        values.add(Api.object().putNull("k"));
        values.add(Api.object().put("", MEGABYTE));
        if (schema.path("type").asString().equals("array") || schema.has("items")) {
            var many = Api.JSON.createArrayNode();
            for (int i = 0; i < 20_000; i++) {
                many.add("a" + i + ".example.com");
            }
            values.add(many);
        }
        return values;
    }

    /** Values of the right type for every property (objects filled in too), so that a request gets past its required fields. */
    private static ObjectNode plausible(Map<String, JsonNode> properties, JsonNode schemas, int depth) {
        ObjectNode out = Api.object();
        properties.forEach((name, raw) -> {
            JsonNode schema = resolve(raw, schemas);
            String type = schema.path("type").asString();
            JsonNode enumeration = schema.path("enum");
            if (enumeration.isArray() && !enumeration.isEmpty()) {
                out.set(name, enumeration.get(0));
            } else if (type.equals("integer") || type.equals("number")) {
                out.put(name, 1);
            } else if (type.equals("boolean")) {
                out.put(name, false);
            } else if (type.equals("array")) {
                out.putArray(name);
            } else if (type.equals("object") || schema.has("properties")) {
                Map<String, JsonNode> inner = new LinkedHashMap<>();
                schema.path("properties").properties().forEach(e -> inner.put(e.getKey(), e.getValue()));
                out.set(name, depth < 3 ? plausible(inner, schemas, depth + 1) : Api.object());
            } else if (schema.path("format").asString().equals("uuid")) {
                out.put(name, UUID.randomUUID().toString());
            } else {
                out.put(name, "plausible-" + name);
            }
        });
        return out;
    }

    private static JsonNode resolve(JsonNode schema, JsonNode schemas) {
        JsonNode s = schema;
        for (int i = 0; i < 5 && s.has("$ref"); i++) {
            String ref = s.path("$ref").asString();
            s = schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        if (s.has("allOf")) {
            return resolve(s.path("allOf").path(0), schemas);
        }
        return s;
    }

    private static String fill(String template, String value) {
        return template.replaceAll("\\{[^}]+}", value);
    }

    private static boolean logsOut(String path) {
        return path.contains("/session/terminate") || path.contains("logout") || path.endsWith("/sys/auth");
    }

    private void check(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(api.base() + path));
        } catch (IllegalArgumentException e) {
            return; // not a URI a client could send
        }
        b.header("Authorization", "Bearer " + api.token());
        if (contentType != null && !contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        String request = method + " " + (path.length() > 120 ? path.substring(0, 120) + "..." : path) + " [" + contentType + ", "
                + (body == null ? 0 : body.length) + " B]";
        Api.Response r;
        try {
            r = Api.send(b);
        } catch (UncheckedIOException noAnswer) {
            // A keep-alive connection the server closed just as the client's pool handed it out again is a transport
            // race (seen once in CI as "header parser received no bytes"), not an answer to this input: one retry on
            // a connection of its own tells it from a server that drops this request, which is a failure.
            try {
                r = Api.sendOnNewConnection(b);
                retried.add(request + ": " + noAnswer.getMessage());
            } catch (UncheckedIOException again) {
                failures.add("no answer: " + request + ": " + again.getMessage());
                return;
            }
        }
        sent++;
        String text = r.raw().body() == null ? "" : r.raw().body();
        String what = request + ": " + r.status() + " " + (text.length() > 300 ? text.substring(0, 300) : text);
        if (r.status() >= 500) {
            failures.add("5xx: " + what);
            return;
        }
        if (r.status() >= 400) {
            String type = r.raw().headers().firstValue("Content-Type").orElse("");
            if (!type.startsWith("application/problem+json")) {
                failures.add("not problem+json: " + what);
            }
            if (r.status() == 400 && (r.body() == null || !r.body().has("field"))) {
                failures.add("400 naming no field: " + what);
            }
        }
        if (r.status() >= 400 && INTERNALS.matcher(text).find()) {
            failures.add("internals shown: " + what);
        }
        if (r.status() >= 400 && text.length() > 4000) {
            failures.add("a " + text.length() + "-character error: " + what);
        }
        if (r.status() == 401) {
            failures.add("lost the session: " + what);
            api.logInToNewAccount();
        }
    }
}
