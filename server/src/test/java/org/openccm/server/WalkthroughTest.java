// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs the README's walk-through, block by block, with bash and curl against the real server, so the README
 * cannot drift from what the server does.
 */
class WalkthroughTest extends ApiTest {
    private static final Pattern BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);
    private static final String STEP = "::walkthrough-step::";

    @Test
    void theReadmeWalkthroughWorksStepByStep() throws Exception {
        List<String> steps = walkthroughBlocks();
        assertThat(steps).as("walk-through blocks in README.md").hasSize(9);
        String email = "walkthrough-" + UUID.randomUUID() + "@openccm.test";
        api.logInToNewAccount();
        api.post("/v1/users", Api.object().put("user_email", email).put("password", "walkthrough-pw").put("role", "ADMIN"))
                .expect(201);

        // What a real user has: nitro-cli's output, and inside the enclave its CSR and NSM attestation document.
        List<String> pcrs = List.of(Fixtures.hex(48, 71), Fixtures.hex(48, 72), Fixtures.hex(48, 73));
        java.security.KeyPair key = org.openccm.server.attestation.TestNitroEnclave.workloadKey();
        files.put("MEASUREMENTS", temp("measurements", ("{\"Measurements\": {\"HashAlgorithm\": \"Sha384 { ... }\", \"PCR0\": \""
                + pcrs.get(0) + "\", \"PCR1\": \"" + pcrs.get(1) + "\", \"PCR2\": \"" + pcrs.get(2) + "\"}}").getBytes()));
        // The workload's own challenge, which the README's challenge step shows the shape of.
        String nonce = api.post("/v1/attestation/challenge", null).expect(200).text("nonce");
        files.put("NONCE", nonce);
        files.put("ATTESTATION_DOC", temp("attestation", org.openccm.server.attestation.TestNitroEnclave.document(
                pcrs, key.getPublic().getEncoded(), null, java.util.Base64.getDecoder().decode(nonce))));
        files.put("CSR", temp("csr", org.openccm.server.attestation.TestCsr.pem(key).getBytes()));

        List<String> outputs = runInOneShell(steps, email, "walkthrough-pw");

        JsonNode user = Api.JSON.readTree(outputs.get(0));
        assertThat(user.path("user_email").asString()).as("step 1: log in").isEqualTo(email);
        String app = outputs.get(1).trim().replace("app ", "");
        assertThat(UUID.fromString(app)).as("step 2: app created").isNotNull();
        JsonNode build = Api.JSON.readTree(outputs.get(2));
        assertThat(build.path("app_id").asString()).as("step 3: image registered").isEqualTo(app);
        assertThat(build.at("/attributes/default/nitro_enclave/pcr0").asString()).isEqualTo(pcrs.get(0));
        assertThat(build.at("/status/status").asString()).isEqualTo("PENDING");
        JsonNode tasks = Api.JSON.readTree(outputs.get(3));
        assertThat(tasks.path("items")).as("step 4: image and domain tasks pending").hasSize(2);
        assertThat(tasks.findValuesAsString("entity_id")).contains(build.path("build_id").asString(), app);
        JsonNode approved = Api.JSON.readTree(outputs.get(4));
        assertThat(approved.at("/status/status").asString()).as("step 5: image approved").isEqualTo("WHITELISTED");
        JsonNode appAfter = Api.JSON.readTree(outputs.get(5));
        assertThat(appAfter.path("whitelisted_domains").toString())
                .as("step 6: domain approved")
                .isEqualTo("[\"payments.example.com\"]");
        JsonNode challenge = Api.JSON.readTree(outputs.get(6));
        assertThat(challenge.path("nonce").asString()).as("step 7: a challenge").hasSize(44);
        JsonNode certificate = Api.JSON.readTree(outputs.get(7));
        assertThat(certificate.path("dns_names").toString()).as("step 8: certificate issued").isEqualTo("[\"payments.example.com\"]");
        assertThat(certificate.path("certificate").asString()).startsWith("-----BEGIN CERTIFICATE-----");
        JsonNode verified = Api.JSON.readTree(outputs.get(8));
        assertThat(verified.path("valid").asBoolean()).as("step 9: audit chain verifies").isTrue();
    }

    private final Map<String, String> files = new java.util.HashMap<>();

    private List<String> runInOneShell(List<String> steps, String email, String password) throws Exception {
        StringBuilder script = new StringBuilder("set -euo pipefail\n");
        for (String step : steps) {
            script.append("echo '").append(STEP).append("'\n").append(step).append("\necho\n");
        }
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", script.toString()).redirectErrorStream(false);
        bash.environment().put("OPENCCM", api.base());
        bash.environment().put("OPENCCM_ADMIN_EMAIL", email);
        bash.environment().put("OPENCCM_ADMIN_PASSWORD", password);
        for (Map.Entry<String, String> file : files.entrySet()) {
            bash.environment().put(file.getKey(), file.getValue());
        }
        Process process = bash.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("walk-through exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
        List<String> outputs = new ArrayList<>(List.of(out.split(Pattern.quote(STEP + "\n"), -1)));
        outputs.removeFirst();
        return outputs;
    }

    private static String temp(String name, byte[] content) throws IOException {
        Path file = Files.createTempFile("walkthrough-" + name, ".bin");
        Files.write(file, content);
        return file.toString();
    }

    static List<String> walkthroughBlocks() throws IOException {
        String readme = Files.readString(readme());
        int start = readme.indexOf("<!-- walkthrough:start -->");
        int end = readme.indexOf("<!-- walkthrough:end -->");
        assertThat(start).as("walk-through markers in README.md").isPositive().isLessThan(end);
        Matcher m = BLOCK.matcher(readme.substring(start, end));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir.resolve("README.md");
            }
        }
        throw new IllegalStateException("README.md not found above " + Path.of("").toAbsolutePath());
    }
}
