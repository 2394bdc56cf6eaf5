// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import tools.jackson.databind.JsonNode;

/**
 * The operator commands against a real server (in-process, real PostgreSQL): log in, register an image from
 * nitro-cli's output, approve it, explain a real Nitro document, list and revoke certificates, verify the audit
 * chain; with the exit codes scripts rely on.
 */
class CliTest extends ApiTest {
    private static final String EVERVAULT_PCR0 =
            "f4d48b81a460c9916d1e685119074bf24660afd3e34fae9fca0a0d28d9d5599936332687e6f66fc890ac8cf150142d8b";
    private static final String EVERVAULT_PCR1 =
            "bcdf05fefccaa8e55bf2c8d6dee9e79bbff31e34bf28a99aa19e6b29c37ee80b214a414b7607236edf26fcb78654e63f";
    private static final String EVERVAULT_PCR2 =
            "d8f114da658de5481f8d9ec73907feb553560787522f705c92d7d96beed8e15e2aa611984e098c576832c292e8dc469a";

    @TempDir
    Path config;

    @TempDir
    Path files;

    private String email;

    @BeforeEach
    void operator() {
        api.logInToNewAccount();
        email = "operator-" + UUID.randomUUID() + "@openccm.test";
        api.post("/v1/users", Api.object().put("user_email", email).put("password", "operator-password").put("role", "ADMIN"))
                .expect(201);
    }

    @Test
    void anOperatorRegistersApprovesAndExplainsFromTheCommandLine() throws Exception {
        assertThat(login("operator-password").exit()).isZero();
        Path saved = config.resolve("credentials.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved))).isEqualTo("rw-------");

        UUID app = Fixtures.createApp(api, "EDP-NITRO");
        CliRun apps = run("apps", "list", "-o", "json");
        assertThat(apps.exit()).isZero();
        assertThat(apps.json().path("items").toString()).contains(app.toString());
        assertThat(run("apps", "list").out()).startsWith("APP ID").contains(app.toString());
        assertThat(run("apps", "get", app.toString(), "-o", "json").json().path("app_id").asString()).isEqualTo(app.toString());

        Path measurements = files.resolve("measurements.json");
        Files.writeString(measurements, "{\"Measurements\": {\"HashAlgorithm\": \"Sha384 { ... }\", \"PCR0\": \"" + EVERVAULT_PCR0
                + "\", \"PCR1\": \"" + EVERVAULT_PCR1 + "\", \"PCR2\": \"" + EVERVAULT_PCR2 + "\"}}");
        CliRun created = run("images", "create", "--app", app.toString(), "--nitro-measurements", measurements.toString(), "-o", "json");
        assertThat(created.exit()).as(created.err()).isZero();
        String task = created.json().path("pending_task_id").asString();
        assertThat(run("tasks", "list").out()).contains(task, "INPROGRESS");
        assertThat(run("images", "list", "--app", app.toString()).out()).contains(created.json().path("build_id").asString());
        Path other = files.resolve("other.json");
        Files.writeString(other, "{\"nitro_enclave\": {\"hash_algorithm\": \"Sha384\", \"pcr0\": \"" + Fixtures.hex(48, 1)
                + "\", \"pcr1\": \"" + Fixtures.hex(48, 2) + "\", \"pcr2\": \"" + Fixtures.hex(48, 3) + "\"}}");
        CliRun second = run("images", "create", "--app", app.toString(), "--attributes", other.toString(), "-o", "json");
        assertThat(second.exit()).as(second.err()).isZero();
        CliRun denied = run("tasks", "deny", second.json().path("pending_task_id").asString(), "--comment", "not ours", "-o", "json");
        assertThat(denied.exit()).isZero();
        assertThat(denied.json().at("/status/status").asString()).isEqualTo("DENIED");

        Path document = vector("nitro/evervault-2022-10-13-nondebug.cbor");
        CliRun beforeApproval = run("explain", "--platform", "NITRO", "--evidence", document.toString(), "--at", "2022-10-13T10:00:00Z");
        assertThat(beforeApproval.exit()).as("not approved yet").isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(beforeApproval.out()).contains("NOT_APPROVED");

        assertThat(run("tasks", "approve", task, "--comment", "reviewed").exit()).isZero();
        CliRun accepted = run("explain", "--platform", "NITRO", "--evidence", document.toString(), "--at", "1665655200", "-o", "json");
        assertThat(accepted.exit()).isZero();
        assertThat(accepted.json().at("/decision/build_id").asString()).isEqualTo(created.json().path("build_id").asString());

        assertThat(run("certs", "list", "-o", "json").json().path("items")).isEmpty();
        CliRun audit = run("audit", "verify");
        assertThat(audit.exit()).isZero();
        assertThat(audit.out()).contains("true");
        assertThat(run("logout").out()).contains("logged out");
        assertThat(run("apps", "list").exit()).as("logged out").isEqualTo(ExitCode.REFUSED);
    }

    @Test
    void exitCodesTellRefusalsChecksUsageAndUnreachableServersApart() throws Exception {
        assertThat(login("wrong-password-here").exit()).isEqualTo(ExitCode.REFUSED);
        assertThat(run("apps", "list").exit()).as("not logged in").isEqualTo(ExitCode.REFUSED);
        assertThat(run("--server", "http://127.0.0.1:9", "login", "--email", email, "--password-stdin").exit()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(run("tasks", "approve").exit()).as("missing TASK-ID").isEqualTo(ExitCode.USAGE);

        login("operator-password");
        CliRun unknown = run("certs", "revoke", UUID.randomUUID().toString());
        assertThat(unknown.exit()).isEqualTo(ExitCode.REFUSED);
        assertThat(unknown.err()).contains("404");
        byte[] tampered = Files.readAllBytes(vector("nitro/negative/fortanix-tampered-signature.cbor"));
        Path file = files.resolve("tampered.cbor");
        Files.write(file, tampered);
        CliRun refused = run("explain", "--platform", "NITRO", "--evidence", file.toString(), "--at", "2021-09-09T11:00:00Z");
        assertThat(refused.exit()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(refused.out()).contains("not verified: SIGNATURE");
    }

    @Test
    void anAuditReceiptVerifiesOfflineAndAChangedOneDoesNot() throws Exception {
        login("operator-password");
        String entry = api.get("/v1/audit?action=member.added").expect(200).body().at("/items/0/entry_id").asString();
        Path receipt = files.resolve("receipt.json");
        assertThat(run("audit", "receipt", entry, "--file", receipt.toString()).exit()).isZero();
        Path key = files.resolve("audit-key.pem");
        Files.writeString(key, api.get("/v1/audit/checkpoints").expect(200).text("public_key"));
        run("logout");

        CliRun verified = run("audit", "verify-receipt", receipt.toString(), "--public-key", key.toString());
        assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
        assertThat(verified.out()).contains("VERIFIED", "member.added");

        Path changed = files.resolve("changed.json");
        Files.writeString(changed, Files.readString(receipt).replaceFirst("member\\.added", "member.addeD"));
        CliRun refused = run("audit", "verify-receipt", changed.toString(), "--public-key", key.toString());
        assertThat(refused.exit()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(refused.out()).contains("NOT VERIFIED");

        var other = java.security.KeyPairGenerator.getInstance("EC");
        other.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        Path otherKey = files.resolve("other.pem");
        Files.writeString(otherKey, "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(other.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        CliRun wrongKey = run("audit", "verify-receipt", receipt.toString(), "--public-key", otherKey.toString());
        assertThat(wrongKey.exit()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(wrongKey.out()).contains("another key", "signature does not verify");
    }

    @Test
    void anSgxImageFromItsSigstructAndARevokedCertificate() throws Exception {
        login("operator-password");
        UUID sgx = Fixtures.createApp(api, "EDP-SGX");
        CliRun image = run("images", "create", "--app", sgx.toString(), "--sigstruct", vector("sigstruct/intel-pce-1.25.100.1.sigstruct.bin").toString(),
                "-o", "json");
        assertThat(image.exit()).as(image.err()).isZero();
        assertThat(image.json().at("/enclave_info/mrenclave").asString())
                .isEqualTo("03e3f07e8c11cc08a1fa2afa93a8f2699cc8d9e17efa890af5df4e3cf7696578");

        List<String> pcrs = List.of(Fixtures.hex(48, 111), Fixtures.hex(48, 112), Fixtures.hex(48, 113));
        Fixtures.approvedNitroImage(api, Fixtures.approvedNitroApp(api, "revoked.example.com"), pcrs);
        String certificate = Fixtures.attestedNitroWorkload(api, pcrs).path("certificate_id").asString();
        assertThat(run("certs", "list").out()).contains(certificate, "revoked.example.com");

        CliRun revoked = run("certs", "revoke", certificate, "--reason", "key compromise", "-o", "json");

        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.json().path("revoked_at").asLong()).isPositive();
        assertThat(run("certs", "revoke", certificate).exit()).as("already revoked").isEqualTo(ExitCode.REFUSED);
    }

    @Test
    void aServerNotInSimulationModeRefusesSimulatedEvidence() throws Exception {
        var simulation = org.openccm.cli.simulation.SimulationAuthority.create(files.resolve("simulation"));
        var psp = new org.openccm.cli.simulation.SimulatedPsp(simulation, Fixtures.hex(48, 7), null, 0);
        Path report = files.resolve("report.bin");
        Files.write(report, psp.report(new byte[64]));
        Path vcek = files.resolve("vcek.der");
        Files.write(vcek, psp.vcek().getEncoded());
        login("operator-password");

        CliRun r = run("explain", "--platform", "SEV_SNP", "--evidence", report.toString(), "--vcek", vcek.toString(), "-o", "json");

        assertThat(r.exit()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(r.json().path("verified").asBoolean()).isFalse();
        assertThat(r.json().path("reason").asString()).isIn("CHAIN", "WRONG_ROOT");
        assertThat(new Api(api.base()).get("/v1/sys/version").expect(200).body().has("simulation")).isFalse();
    }

    @Test
    void everyCommandHasHelp() {
        for (List<String> command : List.<List<String>>of(List.of(), List.of("login"), List.of("apps", "list"), List.of("images", "create"),
                List.of("tasks", "approve"), List.of("explain"), List.of("certs", "revoke"), List.of("audit", "verify"), List.of("audit", "receipt"),
                List.of("audit", "verify-receipt"), List.of("agent"),
                List.of("simulate", "init"), List.of("simulate", "snp"), List.of("simulate", "nitro"))) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            CliRun help = run(args.toArray(String[]::new));
            assertThat(help.exit()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).startsWith("Usage: openccm");
        }
    }

    @Test
    void theReadmeShowsEachCommandsCurrentHelp() throws Exception {
        Path readme = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(readme.resolve("README.md")) || !Files.isDirectory(readme.resolve("cli"))) {
            readme = readme.getParent();
        }
        String text = Files.readString(readme.resolve("README.md"));
        for (List<String> command : List.<List<String>>of(List.of(), List.of("agent"), List.of("images", "create"), List.of("explain"),
                List.of("simulate", "snp"), List.of("certs", "revoke"))) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            String help = run(args.toArray(String[]::new)).out().strip();
            assertThat(text).as("README has the help of openccm %s", String.join(" ", command)).contains(help);
        }
    }

    private CliRun login(String password) {
        return runWithInput(password + "\n", "--server", api.base(), "login", "--email", email, "--password-stdin");
    }

    private CliRun run(String... args) {
        return CliRun.run(config, "", args);
    }

    private CliRun runWithInput(String input, String... args) {
        return CliRun.run(config, input, args);
    }
}
