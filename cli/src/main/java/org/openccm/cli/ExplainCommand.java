// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Verifies and matches evidence without issuing anything; exit 0 only when an approved image would be accepted. */
@Command(name = "explain", description = "Say whether evidence verifies and which image it matches, issuing nothing.")
final class ExplainCommand extends Leaf implements Callable<Integer> {
    @Option(names = "--platform", required = true, description = "NITRO, SEV_SNP, ACI, SGX, TDX or AZURE_CVM")
    String platform;

    @Option(names = "--evidence", required = true, paramLabel = "FILE")
    Path evidence;

    @Option(names = "--vcek", paramLabel = "FILE", description = "the SEV-SNP report's VCEK or VLEK (PEM or DER)")
    Path vcek;

    @Option(names = "--collateral", paramLabel = "FILE", description = "Intel's collateral for a DCAP quote (JSON)")
    Path collateral;

    @Option(names = "--at", paramLabel = "TIME", description = "verify at this instant (ISO-8601 or epoch seconds): archived evidence")
    String at;

    @Override
    public Integer call() {
        Base64.Encoder base64 = Base64.getEncoder();
        ObjectNode request = ApiClient.JSON.createObjectNode()
                .put("platform", platform)
                .put("evidence", base64.encodeToString(ImagesCommand.read(evidence)));
        if (vcek != null) {
            request.put("vcek", base64.encodeToString(ImagesCommand.read(vcek)));
        }
        if (collateral != null) {
            request.put("collateral", base64.encodeToString(ImagesCommand.read(collateral)));
        }
        if (at != null) {
            request.put("verification_time", at.matches("\\d+") ? Long.parseLong(at) : Instant.parse(at).getEpochSecond());
        }
        JsonNode answer = client().post("/v1/attestation/explain", request);
        if (root().output == Output.Format.json) {
            print(answer, List.of());
        } else {
            out().println(answer.path("verified").asBoolean()
                    ? "verified; decision " + answer.at("/decision/outcome").asString() + ": " + answer.at("/decision/detail").asString()
                    : "not verified: " + answer.path("reason").asString() + " " + answer.path("field").asString() + ": " + answer.path("detail").asString());
            print(answer.path("images"), List.of(column("BUILD ID", "/build_id"), column("STATUS", "/status"), column("MATCHES", "/matches"),
                    column("WHY", "/why")));
        }
        return "ACCEPTED".equals(answer.at("/decision/outcome").asString("")) ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }
}
