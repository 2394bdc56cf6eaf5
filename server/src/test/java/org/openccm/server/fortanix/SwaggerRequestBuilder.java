// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.fortanix;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds request bodies from a Swagger 2.0 document's schemas, as a user of a generated client fills in a model: every
 * required property with a plausible value (the first {@code enum} value, else a value guessed from the property's name
 * and format), and then the scenario's overrides for the values whose meaning matters (which app a build belongs to).
 * Optional properties are left out: what a client must send is what the description requires.
 */
public final class SwaggerRequestBuilder {
    private static final JsonNodeFactory NODES = JsonMapper.builder().build().getNodeFactory();
    private static final int MAX_DEPTH = 8;

    private final SwaggerSchemaValidator document;
    private final Function<String, String> idsByName;

    /**
     * @param idsByName the id the scenario holds for a property or parameter named like {@code app_id} or
     *     {@code app-id}, or null when it holds none (then a random UUID is sent)
     */
    public SwaggerRequestBuilder(SwaggerSchemaValidator document, Function<String, String> idsByName) {
        this.document = document;
        this.idsByName = idsByName;
    }

    /** A body for {@code schema}: its required properties filled in, then {@code overrides} merged over it. */
    public JsonNode body(JsonNode schema, JsonNode overrides) {
        JsonNode built = value("body", schema, 0);
        return overrides == null ? built : merge(built, overrides);
    }

    /** A value for a path or query parameter (a non-body parameter carries its schema inline). */
    public String parameter(JsonNode parameter) {
        JsonNode value = value(parameter.path("name").asString(), parameter, 0);
        return value.isString() ? value.asString() : value.toString();
    }

    private JsonNode value(String name, JsonNode schema, int depth) {
        schema = document.resolve(schema);
        if (schema.has("allOf")) {
            ObjectNode merged = NODES.objectNode();
            for (JsonNode part : schema.path("allOf")) {
                merge(merged, value(name, part, depth + 1));
            }
            return merged;
        }
        if (schema.has("enum")) {
            return schema.path("enum").get(0);
        }
        String type = schema.path("type").asString(schema.has("properties") ? "object" : "string");
        return switch (type) {
            case "object" -> object(schema, depth);
            case "array" -> array(name, schema, depth);
            case "integer" -> NODES.numberNode(1);
            case "number" -> NODES.numberNode(1.0);
            case "boolean" -> NODES.booleanNode(false);
            default -> NODES.stringNode(string(name, schema.path("format").asString("")));
        };
    }

    private ObjectNode object(JsonNode schema, int depth) {
        ObjectNode object = NODES.objectNode();
        if (depth > MAX_DEPTH) {
            return object;
        }
        JsonNode properties = schema.path("properties");
        for (JsonNode required : schema.path("required")) {
            String property = required.asString();
            object.set(property, value(property, properties.path(property), depth + 1));
        }
        // A one-of-these-keys object (minProperties 1) with nothing required gets its first key.
        if (object.isEmpty() && schema.path("minProperties").asInt(0) > 0 && !properties.isEmpty()) {
            String first = properties.propertyNames().iterator().next();
            object.set(first, value(first, properties.path(first), depth + 1));
        }
        return object;
    }

    private JsonNode array(String name, JsonNode schema, int depth) {
        ArrayNode array = NODES.arrayNode();
        if (name.endsWith("domains")) {
            return array.add(unique() + ".example.com");
        }
        return array.add(value(name, schema.path("items"), depth + 1));
    }

    private String string(String name, String format) {
        String lower = name.toLowerCase();
        if (lower.endsWith("_id") || lower.endsWith("-id") || format.equals("uuid")) {
            String id = idsByName.apply(lower);
            return id != null ? id : UUID.randomUUID().toString();
        }
        if (lower.contains("email")) {
            return "conformance-" + unique() + "@example.com";
        }
        if (lower.contains("password") || format.equals("password")) {
            return "Conformance-password-" + unique();
        }
        if (lower.contains("url")) {
            return unique() + ".example.com";
        }
        if (format.equals("binary") || format.equals("byte")) {
            return "AA==";
        }
        return "conformance-" + unique();
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** {@code overrides} merged into {@code base} (objects key by key, anything else replaced). */
    static JsonNode merge(JsonNode base, JsonNode overrides) {
        if (!(base instanceof ObjectNode target) || !overrides.isObject()) {
            return overrides.deepCopy();
        }
        for (Map.Entry<String, JsonNode> entry : overrides.properties()) {
            JsonNode existing = target.get(entry.getKey());
            target.set(entry.getKey(), existing == null ? entry.getValue().deepCopy() : merge(existing, entry.getValue()));
        }
        return target;
    }
}
