// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * JSON text exactly as Python's json.dumps writes it with sort_keys=True and ensure_ascii (the defaults of the
 * confcom tool): the policy's SHA-256 is what hardware reports, so one differing space or escape is a different
 * identity. Keys sort by code point; non-ASCII is written as lower-case \\u escapes (surrogate pairs beyond the
 * BMP); '/' is not escaped.
 */
final class PythonJson {
    private PythonJson() {}

    /** separators=(",", ":"), on one line. */
    static String compact(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, -1, 0);
        return out.toString();
    }

    /** indent=2: one item per line, ": " between key and value, empty containers as [] and {}. */
    static String pretty(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, 2, 0);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out, int indent, int depth) {
        if (node == null || node.isNull()) {
            out.append("null");
        } else if (node.isBoolean()) {
            out.append(node.booleanValue() ? "true" : "false");
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isNumber()) {
            throw new IllegalArgumentException("policy documents carry no fractional numbers");
        } else if (node.isString()) {
            string(node.stringValue(), out);
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            int i = 0;
            for (JsonNode item : node) {
                if (i++ > 0) {
                    out.append(',');
                }
                newline(out, indent, depth + 1);
                write(item, out, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.append(']');
        } else if (node.isObject()) {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            List<String> keys = new ArrayList<>(node.propertyNames());
            keys.sort(PythonJson::codePointOrder);
            out.append('{');
            int i = 0;
            for (String key : keys) {
                if (i++ > 0) {
                    out.append(',');
                }
                newline(out, indent, depth + 1);
                string(key, out);
                out.append(indent < 0 ? ":" : ": ");
                write(node.get(key), out, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.append('}');
        } else {
            throw new IllegalArgumentException("cannot write a " + node.getNodeType() + " node");
        }
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static int codePointOrder(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c)); // UTF-16 units: surrogate pairs as Python
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
