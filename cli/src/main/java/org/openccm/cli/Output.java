// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Prints answers as the server's JSON ({@code -o json}) or as a table of chosen columns ({@code -o table}). */
public final class Output {
    public enum Format {
        json,
        table,
    }

    /** A table column: its heading and the JSON pointer of its value in each item. */
    public record Column(String heading, String pointer) {}

    private Output() {}

    public static void print(PrintWriter out, Format format, JsonNode answer, List<Column> columns) {
        if (format == Format.json) {
            out.println(answer.toPrettyString());
            out.flush();
            return;
        }
        JsonNode items = answer.isArray() ? answer : answer.path("items");
        List<JsonNode> rows = new ArrayList<>();
        if (items.isArray()) {
            items.forEach(rows::add);
        } else {
            rows.add(answer);
        }
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::heading).toArray(String[]::new));
        for (JsonNode row : rows) {
            cells.add(columns.stream().map(c -> text(row.at(c.pointer()))).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                s.append(i + 1 < line.length ? String.format("%-" + widths[i] + "s  ", line[i]) : line[i]);
            }
            out.println(s.toString().stripTrailing());
        }
        out.flush();
    }

    private static String text(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return "-";
        }
        return value.isValueNode() ? value.asString() : value.toString();
    }
}
