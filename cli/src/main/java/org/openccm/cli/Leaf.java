// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** What every command that runs uses: the global options, the logged-in client, and printing. */
abstract class Leaf {
    @Spec
    CommandSpec spec;

    OpenCcm root() {
        return (OpenCcm) spec.root().userObject();
    }

    ApiClient client() {
        return root().client();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    void print(JsonNode answer, List<Output.Column> columns) {
        root().print(out(), answer, columns);
    }

    static Output.Column column(String heading, String pointer) {
        return new Output.Column(heading, pointer);
    }
}
