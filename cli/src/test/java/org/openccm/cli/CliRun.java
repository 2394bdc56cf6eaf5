// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** One {@code openccm} command line run in-process with its own config directory: what it printed, how it exited. */
record CliRun(int exit, String out, String err) {
    JsonNode json() {
        return ApiClient.JSON.readTree(out);
    }

    /** @param stdin what the command reads on standard input (a password), or empty */
    static CliRun run(Path configDir, String stdin, String... args) {
        InputStream saved = System.in;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config-dir");
        all.add(configDir.toString());
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int exit = OpenCcm.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
            return new CliRun(exit, out.toString(), err.toString());
        } finally {
            System.setIn(saved);
        }
    }
}
