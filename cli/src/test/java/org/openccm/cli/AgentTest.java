// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.openccm.server.attestation.TestNitroEnclave;

/**
 * {@code openccm agent} in a workload, against a real server: with a zone's join token it gets a challenge, has the
 * platform produce evidence binding its key and the nonce, and writes the key (0600) and a certificate chain to the
 * zone CA for the approved domain. The platform here is a simulated Nitro Secure Module reached through
 * {@code --evidence-command}: a script hands the report data to this test, which has the test Nitro root (trusted by
 * the test server) sign a document with it as {@code user_data}.
 */
class AgentTest extends ApiTest {
    private static final List<String> APPROVED = List.of(Fixtures.hex(48, 91), Fixtures.hex(48, 92), Fixtures.hex(48, 93));
    private static final List<String> PENDING = List.of(Fixtures.hex(48, 94), Fixtures.hex(48, 95), Fixtures.hex(48, 96));

    @TempDir
    Path dir;

    private String zone;
    private String token;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread nsm;
    private volatile List<String> measuredPcrs = APPROVED;

    @BeforeEach
    void zoneWithAnApprovedImage() {
        api.logInToNewAccount();
        java.util.UUID app = Fixtures.approvedNitroApp(api, "agent.example.com");
        Fixtures.approvedNitroImage(api, app, APPROVED);
        Fixtures.nitroImage(api, app, PENDING);
        zone = api.get("/v1/zones").expect(200).body().path(0).path("zone_id").asString();
        token = api.post("/v1/zones/" + zone + "/tokens", Api.object().put("name", "agent test")).expect(201).text("token");
        nsm = Thread.ofVirtual().start(this::simulatedNsm);
    }

    @AfterEach
    void stop() throws InterruptedException {
        running.set(false);
        nsm.join();
    }

    @Test
    void theAgentWritesItsKeyAndACertificateChainToTheZoneCa() throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");

        CliRun r = agent("--node-name", "checkout-1");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(cert)))
                .forEach(c -> chain.add((X509Certificate) c));
        assertThat(chain).hasSize(2);
        X509Certificate zoneCa = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(api.get("/v1/zones/" + zone).expect(200).text("certificate").getBytes(StandardCharsets.US_ASCII)));
        chain.getFirst().verify(zoneCa.getPublicKey());
        assertThat(chain.getFirst().getSubjectAlternativeNames()).containsExactly(List.of(2, "agent.example.com"));
        String pem = Files.readString(key).replaceAll("-----[A-Z ]+-----|\\s", "");
        var privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        var signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(privateKey);
        signer.update(new byte[] {1, 2, 3});
        var verifier = java.security.Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(chain.getFirst().getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signer.sign())).as("the key file holds the certificate's key").isTrue();
        assertThat(api.get("/v1/nodes?name=checkout-1").expect(200).body().at("/items/0/platform").asString()).isEqualTo("NITRO");
    }

    @Test
    void anUnapprovedImageARevokedTokenOrAMissingTokenFailWithTheServersReason() throws Exception {
        measuredPcrs = PENDING;
        CliRun unapproved = agent("--node-name", "staging-1");
        assertThat(unapproved.exit()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(unapproved.err()).contains("NOT_APPROVED");

        measuredPcrs = APPROVED;
        String tokenId = api.get("/v1/zones/" + zone + "/tokens").expect(200).body().at("/items/0/token_id").asString();
        api.delete("/v1/zones/" + zone + "/tokens/" + tokenId).expect(200);
        CliRun revoked = agent("--node-name", "checkout-2");
        assertThat(revoked.exit()).isEqualTo(ExitCode.REFUSED);
        assertThat(revoked.err()).contains("401");

        CliRun noToken = run("--server", api.base(), "agent", "--platform", "NITRO", "--once", "--evidence-command", "true");
        assertThat(noToken.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(noToken.err()).contains("join token");
    }

    @Test
    void platformsTheJvmCannotReachNeedAnEvidenceCommand() {
        CliRun r = run("--server", api.base(), "agent", "--platform", "NITRO", "--once", "--join-token", token);

        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--evidence-command");
    }

    @Test
    void snpEvidenceComesFromConfigfsTsmWithItsVcekFromTheCertificateTable() throws Exception {
        byte[] vcek = "not a real VCEK".getBytes(StandardCharsets.US_ASCII);
        byte[] table = new byte[24 * 2 + vcek.length];
        System.arraycopy(EvidenceSource.ConfigfsTsm.guidBytes(EvidenceSource.ConfigfsTsm.VCEK_GUID), 0, table, 0, 16);
        java.nio.ByteBuffer.wrap(table).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(16, 48).putInt(20, vcek.length);
        System.arraycopy(vcek, 0, table, 48, vcek.length);

        assertThat(EvidenceSource.ConfigfsTsm.signingCertificate(table)).isEqualTo(vcek);
        assertThat(EvidenceSource.ConfigfsTsm.guidBytes(EvidenceSource.ConfigfsTsm.VCEK_GUID))
                .as("GUIDs are stored with their first three fields little-endian")
                .startsWith((byte) 0x8d, (byte) 0x75, (byte) 0xda, (byte) 0x63, (byte) 0x64, (byte) 0xe6);
    }

    /** The workload's side of the simulated NSM: the agent's command hands over the report data and waits. */
    private CliRun agent(String... extra) {
        List<String> args = new ArrayList<>(List.of("--server", api.base(), "agent", "--platform", "NITRO", "--once",
                "--join-token", token,
                "--key-path", dir.resolve("key.pem").toString(), "--cert-path", dir.resolve("cert.pem").toString(),
                "--evidence-command", "echo \"$OPENCCM_REPORT_DATA\" > '" + dir + "/request.tmp' && mv '" + dir + "/request.tmp' '" + dir
                        + "/request' && while [ ! -f '" + dir + "/response' ]; do sleep 0.05; done && cat '" + dir + "/response' && rm '" + dir
                        + "/response'"));
        args.addAll(Arrays.asList(extra));
        return run(args.toArray(String[]::new));
    }

    /** Signs a Nitro document whose user_data is the report data's first 32 bytes (the binding digest). */
    private void simulatedNsm() {
        Path request = dir.resolve("request");
        while (running.get()) {
            try {
                if (Files.isRegularFile(request)) {
                    byte[] reportData = HexFormat.of().parseHex(Files.readString(request).strip());
                    Files.delete(request);
                    byte[] document = TestNitroEnclave.document(measuredPcrs, null, Arrays.copyOf(reportData, 32));
                    Path temp = dir.resolve("response.tmp");
                    Files.write(temp, document);
                    Files.move(temp, dir.resolve("response"), StandardCopyOption.ATOMIC_MOVE);
                }
                Thread.sleep(20);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private CliRun run(String... args) {
        return CliRun.run(dir.resolve("config"), "", args);
    }
}
