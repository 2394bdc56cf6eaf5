// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The workload's side: a key pair made in memory, a challenge, evidence binding SHA-256(key ‖ nonce) from the
 * platform, a certificate for the image's approved domain written with the key, and renewal before expiry. The join
 * token authorises only this.
 */
@Command(name = "agent", description = {
    "Run inside a workload: attest with a zone's join token and write the key and certificate chain; renew before expiry.",
    "Evidence comes from configfs-tsm (SEV_SNP, TDX) or from --evidence-command (any platform; NITRO, AZURE_CVM and SGX need it)."})
final class AgentCommand extends Leaf implements Callable<Integer> {
    static final Path DEFAULT_KEY_PATH = Path.of("/run/openccm/key.pem");
    static final Path DEFAULT_CERT_PATH = Path.of("/run/openccm/cert.pem");

    @Option(names = "--join-token", paramLabel = "TOKEN", description = "the zone's join token (default: $OPENCCM_JOIN_TOKEN)")
    String joinToken;

    @Option(names = "--join-token-file", paramLabel = "FILE", description = "read the join token from this file")
    Path joinTokenFile;

    @Option(names = "--platform", required = true, description = "NITRO, SEV_SNP, TDX, ACI, SGX or AZURE_CVM")
    String platform;

    @Option(names = "--node-name", paramLabel = "NAME", description = "this instance's name in the zone (default: the host name)")
    String nodeName;

    @Option(names = "--evidence-command", paramLabel = "CMD",
            description = "prints the evidence, given $OPENCCM_REPORT_DATA (hex), $OPENCCM_NONCE (base64), $OPENCCM_PLATFORM")
    String evidenceCommand;

    @Option(names = "--tsm-dir", paramLabel = "DIR", defaultValue = "/sys/kernel/config/tsm/report",
            description = "configfs-tsm's report directory (default: ${DEFAULT-VALUE})")
    Path tsmDir;

    @Option(names = "--vcek", paramLabel = "FILE", description = "the SEV-SNP VCEK, when the evidence source does not give it")
    Path vcek;

    @Option(names = "--collateral", paramLabel = "FILE", description = "Intel's collateral for a DCAP quote (JSON)")
    Path collateral;

    @Option(names = "--key-path", paramLabel = "FILE",
            description = "where to write the private key (default: the image's keyPath, else " + "/run/openccm/key.pem)")
    Path keyPath;

    @Option(names = "--cert-path", paramLabel = "FILE",
            description = "where to write the certificate chain (default: the image's certPath, else /run/openccm/cert.pem)")
    Path certPath;

    @Option(names = "--once", description = "exit after the first certificate instead of renewing it")
    boolean once;

    @Option(names = "--renew-at", paramLabel = "PERCENT", defaultValue = "20",
            description = "renew when this much of the certificate's lifetime is left (default: ${DEFAULT-VALUE})")
    int renewAt;

    /** What one attestation produced. */
    record Issued(JsonNode answer, Path keyPath, Path certPath, Instant notBefore, Instant notAfter) {}

    @Override
    public Integer call() throws InterruptedException {
        if (renewAt < 1 || renewAt > 90) {
            throw new IllegalArgumentException("--renew-at must be 1 to 90 (percent of the lifetime left)");
        }
        Duration backoff = Duration.ofSeconds(15);
        while (true) {
            Issued issued;
            try {
                issued = attestOnce();
            } catch (ApiError e) {
                if (once || e.status() < 500) {
                    throw e; // refused: retrying would be refused again
                }
                backoff = retryAfter(e, backoff);
                continue;
            } catch (ApiClient.Unreachable e) {
                if (once) {
                    throw e;
                }
                backoff = retryAfter(e, backoff);
                continue;
            }
            out().println("certificate " + issued.answer().path("certificate_id").asString() + " for "
                    + issued.answer().path("dns_names") + " (node " + issued.answer().path("node_id").asString() + ") written to "
                    + issued.certPath() + ", key to " + issued.keyPath() + "; valid until " + issued.notAfter());
            out().flush();
            if (once) {
                return ExitCode.OK;
            }
            backoff = Duration.ofSeconds(15);
            Duration lifetime = Duration.between(issued.notBefore(), issued.notAfter());
            Instant renew = issued.notAfter().minus(lifetime.multipliedBy(renewAt).dividedBy(100));
            Thread.sleep(Math.max(1000, Duration.between(Instant.now(), renew).toMillis()));
        }
    }

    private Duration retryAfter(RuntimeException e, Duration backoff) throws InterruptedException {
        err().println("openccm agent: " + e.getMessage() + "; retrying in " + backoff.toSeconds() + " s");
        err().flush();
        Thread.sleep(backoff.toMillis());
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(Duration.ofMinutes(15)) > 0 ? Duration.ofMinutes(15) : next;
    }

    Issued attestOnce() {
        ApiClient api = new ApiClient(server(), token());
        KeyPair key = keyPair();
        byte[] nonce = Base64.getDecoder().decode(api.post("/v1/attestation/challenge", null).path("nonce").asString());
        byte[] reportData = new byte[64];
        System.arraycopy(bindingDigest(key.getPublic().getEncoded(), nonce), 0, reportData, 0, 32);
        EvidenceSource.Evidence evidence = source().obtain(reportData, nonce);
        String node = nodeName != null ? nodeName : hostName();
        ObjectNode request = ApiClient.JSON.createObjectNode()
                .put("platform", platform)
                .put("evidence", Base64.getEncoder().encodeToString(evidence.document()))
                .put("csr", csr(key, node))
                .put("nonce", Base64.getEncoder().encodeToString(nonce))
                .put("node_name", node);
        byte[] signingCertificate = vcek != null ? ImagesCommand.read(vcek) : evidence.signingCertificate();
        if (signingCertificate != null) {
            request.put("vcek", Base64.getEncoder().encodeToString(signingCertificate));
        }
        if (collateral != null) {
            request.put("collateral", Base64.getEncoder().encodeToString(ImagesCommand.read(collateral)));
        }
        JsonNode answer = api.post("/v1/attestation", request);
        Path keyFile = keyPath != null ? keyPath : path(answer.path("key_path"), DEFAULT_KEY_PATH);
        Path certFile = certPath != null ? certPath : path(answer.path("cert_path"), DEFAULT_CERT_PATH);
        StringBuilder chain = new StringBuilder();
        answer.path("certificate_chain").forEach(c -> chain.append(c.asString().strip()).append('\n'));
        // The key first: a reader that sees the new certificate must find its key.
        Credentials.writePrivately(keyFile, pem(key.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        Credentials.writePrivately(certFile, chain.toString().getBytes(StandardCharsets.US_ASCII));
        JsonNode leaf = answer.path("certificate");
        return new Issued(answer, keyFile, certFile, notBefore(leaf.asString()), Instant.ofEpochSecond(answer.path("not_after").asLong()));
    }

    private EvidenceSource source() {
        if (evidenceCommand != null) {
            return new EvidenceSource.Command(evidenceCommand, platform);
        }
        return switch (platform) {
            case "SEV_SNP", "TDX" -> new EvidenceSource.ConfigfsTsm(tsmDir);
            default -> throw new IllegalArgumentException(platform + " evidence needs --evidence-command: /dev/nsm (NITRO), the vTPM"
                    + " (AZURE_CVM) and SGX's quoting enclave are not reachable from the JVM; the command prints the evidence");
        };
    }

    private String server() {
        String server = root().server != null ? root().server : System.getenv("OPENCCM_SERVER");
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException("--server URL is required (or $OPENCCM_SERVER)");
        }
        return server;
    }

    private String token() {
        try {
            String token = joinTokenFile != null ? Files.readString(joinTokenFile).strip()
                    : joinToken != null ? joinToken : System.getenv("OPENCCM_JOIN_TOKEN");
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("a join token is required: --join-token, --join-token-file or $OPENCCM_JOIN_TOKEN");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + joinTokenFile, e);
        }
    }

    /** SHA-256(DER SubjectPublicKeyInfo ‖ nonce): what the evidence must carry (the server's binding rule). */
    static byte[] bindingDigest(byte[] spki, byte[] nonce) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(spki);
            return sha.digest(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String csr(KeyPair key, String node) {
        try {
            var subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, node).build();
            var request = new JcaPKCS10CertificationRequestBuilder(subject, key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
            return pem(request);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object instanceof java.security.PrivateKey k ? new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", k.getEncoded()) : object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Instant notBefore(String certificatePem) {
        try {
            var cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
            return cert.getNotBefore().toInstant();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the server's certificate does not parse", e);
        }
    }

    private static Path path(JsonNode configured, Path fallback) {
        String text = configured.asString("");
        return text.isBlank() ? fallback : Path.of(text);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "workload";
        }
    }
}
