// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** Logs in with email and password and keeps the bearer token (valid an hour) in the user's config directory. */
@Command(name = "login", description = "Log in to an OpenCCM server; the token is kept in the config directory (0600).")
final class LoginCommand extends Leaf implements Callable<Integer> {
    @Option(names = "--email", required = true, description = "the user's email")
    String email;

    @Option(names = "--password-stdin", description = "read the password from standard input (default when not a terminal)")
    boolean passwordStdin;

    @Option(names = "--account", paramLabel = "ACCOUNT-ID", description = "select this account (a user of several accounts)")
    String account;

    @Override
    public Integer call() {
        String server = root().server != null ? root().server : System.getenv("OPENCCM_SERVER");
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException("--server URL is required to log in (or $OPENCCM_SERVER)");
        }
        String password = password();
        JsonNode answer = new ApiClient(server, null).logIn(email, password);
        String token = answer.path("access_token").asString();
        if (account != null) {
            new ApiClient(server, token).post("/v1/sys/session/select_account/" + account, null);
        }
        new Credentials(server, token, email).save(root().configDirectory());
        JsonNode user = new ApiClient(server, token).get("/v1/user");
        out().println("logged in to " + server + " as " + email
                + (user.path("selected_account_id").isMissingNode() ? "" : " (account " + user.path("selected_account_id").asString() + ")"));
        out().flush();
        return ExitCode.OK;
    }

    private String password() {
        if (!passwordStdin && System.console() != null) {
            char[] typed = System.console().readPassword("password: ");
            return typed == null ? "" : new String(typed);
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Command(name = "logout", description = "Forget the saved log-in.")
    static final class Logout extends Leaf implements Callable<Integer> {
        @Override
        public Integer call() {
            out().println(Credentials.delete(root().configDirectory()) ? "logged out" : "not logged in");
            out().flush();
            return ExitCode.OK;
        }
    }
}
