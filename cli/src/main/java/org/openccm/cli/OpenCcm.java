// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code openccm}: operator commands over OpenCCM's REST API, and the workload agent. Global options are accepted
 * after any subcommand; exit codes are {@link ExitCode}'s.
 */
@Command(
        name = "openccm",
        mixinStandardHelpOptions = true,
        versionProvider = OpenCcm.Version.class,
        description = "OpenCCM, the open-source Confidential Computing Manager, from the command line.",
        subcommands = {
            LoginCommand.class,
            LoginCommand.Logout.class,
            AppsCommand.class,
            ImagesCommand.class,
            TasksCommand.class,
            ExplainCommand.class,
            CertsCommand.class,
            AuditCommand.class,
            AgentCommand.class,
            SimulateCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:server error (5xx) or local failure",
            "2:wrong command line",
            "3:refused by the server (4xx: bad input, not found, not allowed, not logged in)",
            "4:a check said no (attestation refused, explain not accepted, audit chain broken)",
            "5:server unreachable"
        })
public final class OpenCcm {
    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "OpenCCM's URL (default: the one logged in to, else $OPENCCM_SERVER)")
    String server;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
            description = "json or table (default: ${DEFAULT-VALUE})")
    Output.Format output;

    @Option(names = "--config-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "where the log-in is kept (default: $OPENCCM_CONFIG_DIR, $XDG_CONFIG_HOME/openccm or ~/.config/openccm)")
    Path configDir;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; what it prints goes to {@code out} and {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new OpenCcm());
        withHelp(cli);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("openccm: " + e.getMessage());
            commandLine.getErr().flush();
            return switch (e) {
                case ApiError api -> api.exitCode();
                case ApiClient.Unreachable unreachable -> ExitCode.UNREACHABLE;
                case NotLoggedIn notLoggedIn -> ExitCode.REFUSED;
                case IllegalArgumentException bad -> ExitCode.USAGE;
                case UncheckedIOException io -> ExitCode.FAILED;
                default -> ExitCode.FAILED;
            };
        });
        return cli.execute(args);
    }

    /** Every subcommand answers --help (and --version) as the top command does. */
    private static void withHelp(CommandLine command) {
        command.getCommandSpec().mixinStandardHelpOptions(true);
        command.getSubcommands().values().forEach(OpenCcm::withHelp);
    }

    Path configDirectory() {
        return Credentials.directory(configDir);
    }

    /** A client with the saved log-in (and --server, if given, which must be the server logged in to). */
    ApiClient client() {
        Credentials saved = Credentials.load(configDirectory()).orElseThrow(NotLoggedIn::new);
        if (server != null && !server.equals(saved.server())) {
            throw new NotLoggedIn();
        }
        return new ApiClient(saved.server(), saved.token());
    }

    void print(PrintWriter out, tools.jackson.databind.JsonNode answer, List<Output.Column> columns) {
        Output.print(out, output, answer, columns);
    }

    /** No saved log-in for this server. */
    static final class NotLoggedIn extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotLoggedIn() {
            super("not logged in: run openccm login --server URL --email EMAIL");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = OpenCcm.class.getPackage().getImplementationVersion();
            return new String[] {"openccm " + (v == null ? "development build" : v)};
        }
    }
}
