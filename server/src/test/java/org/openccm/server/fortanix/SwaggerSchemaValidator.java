// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.fortanix;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/**
 * Checks a JSON value against a schema of a Swagger 2.0 document, the way a strict client generated from that document
 * would read it: {@code $ref} to {@code #/definitions/X}, {@code type}, {@code properties}, {@code required},
 * {@code items}, {@code enum}, {@code additionalProperties} (true, false or a schema), {@code allOf},
 * {@code minProperties}/{@code maxProperties} (the description's one-of-these-keys objects) and the integer ranges
 * of {@code format} int32/int64. Other formats (uuid, binary, ...) are not checked: generated clients read them as
 * plain strings. {@code null} is refused unless the schema says {@code x-nullable: true}, as Swagger 2.0 has no null.
 */
public final class SwaggerSchemaValidator {
    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final JsonNode document;

    public SwaggerSchemaValidator(JsonNode document) {
        this.document = document;
    }

    /** The violations of {@code value} against {@code schema}, each prefixed by the JSON path where it occurs. */
    public List<String> validate(JsonNode value, JsonNode schema) {
        List<String> violations = new ArrayList<>();
        check(value, schema, "$", violations);
        return violations;
    }

    /** The definition a {@code #/definitions/X} reference names. */
    public JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            String ref = schema.path("$ref").asString();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("only local references are supported: " + ref);
            }
            JsonNode target = document.at(ref.substring(1));
            if (target.isMissingNode()) {
                throw new IllegalArgumentException("dangling reference " + ref);
            }
            schema = target;
        }
        return schema;
    }

    private void check(JsonNode value, JsonNode schema, String path, List<String> violations) {
        schema = resolve(schema);
        for (JsonNode part : schema.path("allOf")) {
            check(value, part, path, violations);
        }
        String type = schema.path("type").asString("");
        if (value.isNull()) {
            // An untyped schema accepts anything, null included.
            if (!type.isEmpty() && !schema.path("x-nullable").asBoolean(false)) {
                violations.add(path + ": null where " + type + " is required");
            }
            return;
        }
        if (!type.isEmpty() && !hasType(value, type)) {
            violations.add(path + ": expected " + type + ", got " + describe(value));
            return;
        }
        if (schema.has("enum") && !contains(schema.path("enum"), value)) {
            violations.add(path + ": " + value + " not in " + enumText(schema.path("enum")));
        }
        if (type.equals("integer")) {
            checkRange(value, schema.path("format").asString(""), path, violations);
        }
        if (value.isObject()) {
            checkObject(value, schema, path, violations);
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), schema.path("items"), path + "[" + i + "]", violations);
            }
        }
    }

    private void checkObject(JsonNode value, JsonNode schema, String path, List<String> violations) {
        JsonNode properties = schema.path("properties");
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asString())) {
                violations.add(path + ": missing required " + required.asString());
            }
        }
        JsonNode additional = schema.path("additionalProperties");
        for (Map.Entry<String, JsonNode> property : value.properties()) {
            String name = property.getKey();
            String at = path + "." + name;
            if (properties.has(name)) {
                check(property.getValue(), properties.path(name), at, violations);
            } else if (additional.isBoolean() && !additional.asBoolean()) {
                violations.add(at + ": property not in the schema");
            } else if (additional.isObject()) {
                check(property.getValue(), additional, at, violations);
            }
        }
        if (schema.has("minProperties") && value.size() < schema.path("minProperties").asInt()) {
            violations.add(path + ": " + value.size() + " properties, at least " + schema.path("minProperties").asInt() + " required");
        }
        if (schema.has("maxProperties") && value.size() > schema.path("maxProperties").asInt()) {
            violations.add(path + ": " + value.size() + " properties, at most " + schema.path("maxProperties").asInt() + " allowed");
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isString();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            // An unknown type name is the description's problem, not the server's.
            default -> true;
        };
    }

    private static void checkRange(JsonNode value, String format, String path, List<String> violations) {
        BigInteger n = value.bigIntegerValue();
        boolean inRange = switch (format) {
            case "int32" -> n.compareTo(INT32_MIN) >= 0 && n.compareTo(INT32_MAX) <= 0;
            case "int64" -> n.compareTo(INT64_MIN) >= 0 && n.compareTo(INT64_MAX) <= 0;
            default -> true;
        };
        if (!inRange) {
            violations.add(path + ": " + n + " out of " + format + " range");
        }
    }

    private static boolean contains(JsonNode allowed, JsonNode value) {
        for (JsonNode candidate : allowed) {
            if (candidate.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String enumText(JsonNode allowed) {
        return StreamSupport.stream(allowed.spliterator(), false)
                .map(v -> v.isString() ? v.asString() : v.toString())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String describe(JsonNode value) {
        String kind = value.isObject() ? "object" : value.isArray() ? "array" : value.isString() ? "string"
                : value.isIntegralNumber() ? "integer" : value.isNumber() ? "number" : value.isBoolean() ? "boolean" : "value";
        String text = value.toString();
        return kind + (value.isContainer() ? "" : " " + (text.length() > 60 ? text.substring(0, 60) + "..." : text));
    }
}
