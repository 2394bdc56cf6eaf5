// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "apps", description = "Applications.", subcommands = {AppsCommand.ListApps.class, AppsCommand.GetApp.class})
final class AppsCommand {
    static final List<Output.Column> COLUMNS = List.of(
            Leaf.column("APP ID", "/app_id"), Leaf.column("NAME", "/name"), Leaf.column("TYPE", "/type"),
            Leaf.column("PLATFORM", "/platform"), Leaf.column("DOMAINS", "/whitelisted_domains"));

    @Command(name = "list", description = "List the applications of the selected account.")
    static final class ListApps extends Leaf implements Callable<Integer> {
        @Override
        public Integer call() {
            print(client().get("/v1/apps?limit=1000"), COLUMNS);
            return ExitCode.OK;
        }
    }

    @Command(name = "get", description = "Show one application.")
    static final class GetApp extends Leaf implements Callable<Integer> {
        @Parameters(paramLabel = "APP-ID")
        java.util.UUID id;

        @Override
        public Integer call() {
            print(client().get("/v1/apps/" + id), COLUMNS);
            return ExitCode.OK;
        }
    }
}
