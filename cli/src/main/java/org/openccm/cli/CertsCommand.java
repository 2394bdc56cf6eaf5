// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "certs", description = "Certificates issued to attested workloads.",
        subcommands = {CertsCommand.ListCerts.class, CertsCommand.Revoke.class})
final class CertsCommand {
    static final List<Output.Column> COLUMNS = List.of(
            Leaf.column("CERTIFICATE ID", "/certificate_id"), Leaf.column("SUBJECT", "/subject"), Leaf.column("PLATFORM", "/platform"),
            Leaf.column("NOT AFTER", "/not_after"), Leaf.column("REVOKED AT", "/revoked_at"), Leaf.column("NODE", "/node_id"));

    @Command(name = "list", description = "List the certificates of the selected account.")
    static final class ListCerts extends Leaf implements Callable<Integer> {
        @Override
        public Integer call() {
            print(client().get("/v1/certificates?limit=1000"), COLUMNS);
            return ExitCode.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke a certificate: it goes on the account's CRL.")
    static final class Revoke extends Leaf implements Callable<Integer> {
        @Parameters(paramLabel = "CERTIFICATE-ID")
        UUID id;

        @Option(names = "--reason")
        String reason;

        @Override
        public Integer call() {
            ObjectNode body = ApiClient.JSON.createObjectNode();
            if (reason != null) {
                body.put("reason", reason);
            }
            print(client().post("/v1/certificates/" + id + "/revoke", body), COLUMNS);
            return ExitCode.OK;
        }
    }
}
