// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "tasks", description = "Approval tasks: nothing is trusted until approved.",
        subcommands = {TasksCommand.ListTasks.class, TasksCommand.Approve.class, TasksCommand.Deny.class})
final class TasksCommand {
    static final List<Output.Column> COLUMNS = List.of(
            Leaf.column("TASK ID", "/task_id"), Leaf.column("TYPE", "/task_type"), Leaf.column("STATUS", "/status/status"),
            Leaf.column("APPROVALS", "/approval_count"), Leaf.column("DESCRIPTION", "/description"));

    @Command(name = "list", description = "List tasks (default: pending ones).")
    static final class ListTasks extends Leaf implements Callable<Integer> {
        @Option(names = "--status", defaultValue = "INPROGRESS", description = "INPROGRESS, SUCCESS, DENIED, FAILED (PENDING, APPROVED, CANCELLED also accepted) or ALL (default: ${DEFAULT-VALUE})")
        String status;

        @Override
        public Integer call() {
            print(client().get("/v1/tasks?limit=1000" + ("ALL".equalsIgnoreCase(status) ? "" : "&status=" + status)), COLUMNS);
            return ExitCode.OK;
        }
    }

    abstract static class Decide extends Leaf implements Callable<Integer> {
        @Parameters(paramLabel = "TASK-ID")
        UUID task;

        @Option(names = "--comment")
        String comment;

        abstract String status();

        @Override
        public Integer call() {
            ObjectNode vote = ApiClient.JSON.createObjectNode().put("status", status());
            if (comment != null) {
                vote.put("comment", comment);
            }
            print(client().patch("/v1/tasks/" + task, vote), COLUMNS);
            return ExitCode.OK;
        }
    }

    @Command(name = "approve", description = "Vote to approve a task.")
    static final class Approve extends Decide {
        @Override
        String status() {
            return "APPROVED";
        }
    }

    @Command(name = "deny", description = "Vote to deny a task.")
    static final class Deny extends Decide {
        @Override
        String status() {
            return "DENIED";
        }
    }
}
