// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openccm.cli.simulation.SimulatedPsp;
import org.openccm.cli.simulation.SimulationAuthority;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * Simulation mode end to end: a server told to trust the simulation's roots, a zone join token, and {@code openccm
 * agent} getting certificates for a simulated Nitro enclave (through {@code openccm simulate nitro} as its evidence
 * command, in a separate process) and a simulated SEV-SNP guest (configfs-tsm entries answered by a simulated secure
 * processor); and the refusals the agent reports with the server's reason.
 */
class SimulationTest extends ApiTest {
    private static final Path SIMULATION = simulation();
    private static final String MEASUREMENT = Fixtures.hex(48, 101);
    private static final List<String> PCRS = List.of(Fixtures.hex(48, 102), Fixtures.hex(48, 103), Fixtures.hex(48, 104));

    @TempDir
    Path dir;

    private String zone;
    private String token;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread psp;

    @DynamicPropertySource
    static void simulationMode(DynamicPropertyRegistry registry) {
        registry.add("openccm.attestation.simulation.roots", () -> SIMULATION.resolve(SimulationAuthority.ROOTS_FILE).toString());
    }

    private static Path simulation() {
        try {
            Path dir = Files.createTempDirectory("openccm-simulation");
            CliRun init = run(dir, "simulate", "init", "--dir", dir.toString());
            if (init.exit() != 0) {
                throw new IllegalStateException(init.err());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void zoneWithApprovedSimulatedImages() throws IOException {
        api.logInToNewAccount();
        Fixtures.approvedNitroImage(api, Fixtures.approvedNitroApp(api, "sim-nitro.example.com"), PCRS);
        ObjectNode app = Fixtures.app("AMD_SEV_SNP");
        app.putArray("allowed_domains").add("sim-snp.example.com");
        var snpApp = api.post("/v1/apps", app).expect(200).body();
        Fixtures.approve(api, snpApp.path("pending_task_id").asString());
        ObjectNode image = Api.object().put("app_id", snpApp.path("app_id").asString());
        ObjectNode snp = image.putObject("attributes").putObject("baremetal_amd_sev_snp");
        snp.put("measurement", MEASUREMENT).put("vmpl", "vmpl0");
        snp.putArray("coprocessors");
        Fixtures.approve(api, api.post("/v1/builds", image).expect(200).body().path("pending_task_id").asString());
        zone = api.get("/v1/zones").expect(200).body().path(0).path("zone_id").asString();
        token = api.post("/v1/zones/" + zone + "/tokens", null).expect(201).text("token");
        Files.createDirectories(dir.resolve("tsm"));
    }

    @AfterEach
    void stopPsp() throws InterruptedException {
        running.set(false);
        if (psp != null) {
            psp.join();
        }
    }

    @Test
    void theServerSaysItRunsInSimulationMode() {
        var version = new Api(api.base()).get("/v1/sys/version").expect(200).body();

        assertThat(version.at("/simulation/enabled").asBoolean()).isTrue();
        assertThat(version.at("/simulation/roots_sha256")).hasSize(3);
    }

    @Test
    void aSimulatedNitroEnclaveGetsACertificateThroughTheAgent() throws Exception {
        String simulate = "'" + javaBinary() + "' -cp '" + System.getProperty("java.class.path") + "' " + OpenCcm.class.getName()
                + " simulate nitro --dir '" + SIMULATION + "' --pcr0 " + PCRS.get(0) + " --pcr1 " + PCRS.get(1) + " --pcr2 " + PCRS.get(2);

        CliRun r = agent("NITRO", "sim-nitro-1", "--evidence-command", simulate);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(leaf().getSubjectAlternativeNames()).containsExactly(List.of(2, "sim-nitro.example.com"));
        leaf().verify(zoneCa().getPublicKey());
    }

    @Test
    void aSimulatedSevSnpGuestGetsACertificateFromConfigfsTsm() throws Exception {
        startPsp(MEASUREMENT);

        CliRun r = agent("SEV_SNP", "sim-snp-1", "--tsm-dir", dir.resolve("tsm").toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(leaf().getSubjectAlternativeNames()).containsExactly(List.of(2, "sim-snp.example.com"));
        leaf().verify(zoneCa().getPublicKey());
        assertThat(api.get("/v1/nodes?name=sim-snp-1").expect(200).body().at("/items/0/measured/measurement").asString())
                .isEqualTo(MEASUREMENT);
        try (var left = Files.list(dir.resolve("tsm"))) {
            assertThat(left.toList()).as("the agent removes its configfs-tsm entry").isEmpty();
        }
    }

    @Test
    void anUnapprovedMeasurementOrARevokedTokenFailsWithTheServersReason() {
        startPsp(Fixtures.hex(48, 109));
        CliRun unapproved = agent("SEV_SNP", "sim-snp-2", "--tsm-dir", dir.resolve("tsm").toString());
        assertThat(unapproved.exit()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(unapproved.err()).contains("NO_MATCH");

        String tokenId = api.get("/v1/zones/" + zone + "/tokens").expect(200).body().at("/items/0/token_id").asString();
        api.delete("/v1/zones/" + zone + "/tokens/" + tokenId).expect(200);
        CliRun revoked = agent("SEV_SNP", "sim-snp-3", "--tsm-dir", dir.resolve("tsm").toString());
        assertThat(revoked.exit()).isEqualTo(ExitCode.REFUSED);
        assertThat(revoked.err()).contains("401");
    }

    @Test
    void replayedEvidenceIsRefusedWithTheServersReason() throws Exception {
        // A platform that answers with a report it made for an earlier challenge: the nonce is fresh, the evidence not.
        SimulatedPsp simulated = new SimulatedPsp(SimulationAuthority.load(SIMULATION), MEASUREMENT, null, 0);
        Path old = dir.resolve("old-report.bin");
        Files.write(old, simulated.report(new byte[64]));
        Path vcek = dir.resolve("vcek.der");
        Files.write(vcek, simulated.vcek().getEncoded());

        CliRun replayed = agent("SEV_SNP", "sim-snp-4", "--evidence-command", "cat '" + old + "'", "--vcek", vcek.toString());

        assertThat(replayed.exit()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(replayed.err()).contains("BINDING");
    }

    private void startPsp(String measurement) {
        SimulatedPsp simulated = new SimulatedPsp(SimulationAuthority.load(SIMULATION), measurement, null, 0);
        psp = Thread.ofVirtual().start(() -> simulated.serve(dir.resolve("tsm"), running::get));
    }

    private CliRun agent(String platform, String node, String... source) {
        List<String> args = new ArrayList<>(List.of("--server", api.base(), "agent", "--platform", platform, "--once", "--join-token", token,
                "--node-name", node, "--key-path", dir.resolve("key.pem").toString(), "--cert-path", dir.resolve("cert.pem").toString()));
        args.addAll(List.of(source));
        return run(dir, args.toArray(String[]::new));
    }

    private X509Certificate leaf() throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("cert.pem"))))
                .iterator().next();
    }

    private X509Certificate zoneCa() throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(api.get("/v1/zones/" + zone).expect(200).text("certificate").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static CliRun run(Path dir, String... args) {
        return CliRun.run(dir.resolve("config-" + UUID.randomUUID()), "", args);
    }
}
