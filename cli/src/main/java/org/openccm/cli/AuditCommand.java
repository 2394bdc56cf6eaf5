// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

@Command(name = "audit", description = "The account's hash-chained audit log.", subcommands = AuditCommand.Verify.class)
final class AuditCommand {
    @Command(name = "verify", description = "Recompute the audit chain; exit 4 when it does not hold.")
    static final class Verify extends Leaf implements Callable<Integer> {
        @Override
        public Integer call() {
            JsonNode answer = client().get("/v1/audit/verify");
            print(answer, List.of(column("VALID", "/valid"), column("ENTRIES CHECKED", "/entries_checked"), column("FIRST INVALID", "/first_invalid")));
            return answer.path("valid").asBoolean() ? ExitCode.OK : ExitCode.CHECK_FAILED;
        }
    }
}
