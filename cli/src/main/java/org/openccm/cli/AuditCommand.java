// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Command(name = "audit", description = "The account's hash-chained audit log.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Receipt.class, AuditCommand.VerifyReceipt.class})
final class AuditCommand {
    @Command(name = "verify", description = "Recompute the audit chain and check it against the signed checkpoints; exit 4 when it does not hold.")
    static final class Verify extends Leaf implements Callable<Integer> {
        @Override
        public Integer call() {
            JsonNode answer = client().get("/v1/audit/verify");
            print(answer, List.of(column("VALID", "/valid"), column("ENTRIES CHECKED", "/entries_checked"), column("FIRST INVALID", "/first_invalid"),
                    column("CHECKPOINTS", "/checkpoints_checked"), column("CHECKPOINT PROBLEMS", "/checkpoint_problems")));
            return answer.path("valid").asBoolean() ? ExitCode.OK : ExitCode.CHECK_FAILED;
        }
    }

    @Command(name = "receipt", description = "Save the receipt of one audit entry, to verify offline with verify-receipt.")
    static final class Receipt extends Leaf implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ENTRY_ID")
        String entryId;

        @Option(names = "--file", paramLabel = "FILE", required = true, description = "where to save the receipt (JSON)")
        Path output;

        @Override
        public Integer call() throws IOException {
            JsonNode receipt = client().get("/v1/audit/" + entryId + "/receipt");
            Files.writeString(output, receipt.toPrettyString());
            out().println("saved the receipt of entry " + entryId + " to " + output + " (checkpoint of entry "
                    + receipt.at("/checkpoint/seq").asLong() + ", key sha256 " + receipt.path("key_sha256").asString() + ")");
            return ExitCode.OK;
        }
    }

    /**
     * Verifies a receipt with nothing but the file and, best, the server's public key obtained beforehand: each entry
     * text's last line is the SHA-256 of the text before it, the last text hashes to the checkpoint's head hash and has
     * its number, and the checkpoint's signature verifies. No server is contacted.
     */
    @Command(name = "verify-receipt", description = "Verify an audit receipt offline (no server contacted); exit 4 when it does not hold.")
    static final class VerifyReceipt extends Leaf implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RECEIPT")
        Path receipt;

        @Option(names = "--public-key", paramLabel = "PEM", description = "the server's audit key (GET /v1/audit/checkpoints), kept beforehand;"
                + " without it the receipt's own key is used and its fingerprint printed, to compare")
        Path publicKey;

        @Override
        public Integer call() throws IOException {
            JsonNode r = JsonMapper.builder().build().readTree(Files.readAllBytes(receipt));
            List<String> problems = check(r, publicKey == null ? null : Files.readString(publicKey));
            List<String> entries = new ArrayList<>();
            r.path("entries").forEach(e -> entries.add(e.asString()));
            String[] first = entries.isEmpty() ? new String[0] : entries.getFirst().split("\n", -1);
            if (first.length >= 12) {
                out().println("entry " + first[1] + ": " + first[7] + " on " + first[8] + " " + first[9] + " by " + first[5]);
            }
            if (!problems.isEmpty()) {
                problems.forEach(p -> out().println("NOT VERIFIED: " + p));
                return ExitCode.CHECK_FAILED;
            }
            out().println("VERIFIED: in the chain signed at entry " + r.at("/checkpoint/seq").asLong() + " by the key with SHA-256 "
                    + r.path("key_sha256").asString() + (publicKey == null ? " (the receipt's own key: compare this fingerprint with the server's)" : ""));
            return ExitCode.OK;
        }

        static List<String> check(JsonNode r, String trustedPem) {
            List<String> problems = new ArrayList<>();
            if (!r.path("format").asString().equals("openccm-audit-receipt-v1")) {
                problems.add("not an openccm-audit-receipt-v1");
                return problems;
            }
            List<String> texts = new ArrayList<>();
            r.path("entries").forEach(e -> texts.add(e.asString()));
            if (texts.isEmpty()) {
                problems.add("the receipt has no entry");
                return problems;
            }
            for (int i = 1; i < texts.size(); i++) {
                String text = texts.get(i);
                if (!text.substring(text.lastIndexOf('\n') + 1).equals(sha256(texts.get(i - 1)))) {
                    problems.add("entry text " + i + " does not link to the one before it");
                }
            }
            String[] signed = r.at("/checkpoint/signed_text").asString().split("\n", -1);
            String last = texts.getLast();
            String lastSeq = last.split("\n", -1).length > 1 ? last.split("\n", -1)[1] : "";
            if (signed.length != 5 || !signed[0].equals("openccm-audit-checkpoint-v1")) {
                problems.add("the checkpoint is not an openccm-audit-checkpoint-v1");
                return problems;
            }
            if (!signed[3].equals(sha256(last)) || !signed[2].equals(lastSeq)) {
                problems.add("the last entry is not the one the checkpoint signs");
            }
            try {
                String pem = trustedPem != null ? trustedPem : r.path("public_key").asString();
                if (trustedPem != null && !normalize(trustedPem).equals(normalize(r.path("public_key").asString()))) {
                    problems.add("the receipt names another key than the one given");
                }
                PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(normalize(pem))));
                Signature ecdsa = Signature.getInstance("SHA256withECDSA");
                ecdsa.initVerify(key);
                ecdsa.update(r.at("/checkpoint/signed_text").asString().getBytes(StandardCharsets.UTF_8));
                if (!ecdsa.verify(Base64.getDecoder().decode(r.at("/checkpoint/signature").asString()))) {
                    problems.add("the checkpoint's signature does not verify");
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                problems.add("the checkpoint's signature cannot be checked: " + e.getMessage());
            }
            return problems;
        }

        private static String normalize(String pem) {
            return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        }

        private static String sha256(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
