// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.RejectionSupport;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.openccm.server.TestFiles;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * NVIDIA's collateral: the RIMs a GPU report names are fetched from a local server answering in the RIM service's
 * shape ({@code GET /v1/rim/{id}}, JSON with the base64 SWID) with NVIDIA's real VBIOS RIM for the real H100 report;
 * and the OCSP checks of device and RIM certificates. No recorded NVIDIA OCSP answer exists, so the OCSP answers that
 * must verify are minted under a test root (the checker takes the root from the chain it is asked about); against
 * the real device chain the requests are real and the responder's silence meets the revocation policy.
 */
class NvidiaCollateralTest extends ApiTest {
    private static final Nvidia NVIDIA = new Nvidia();
    private static final String MEASUREMENT = "f57dc09a507c6ecd82369bffb600f0003792f4d99bc26e985ec0c266fc34faf3706faf814c9e61065768a6ff917c89ae";
    private static final String VBIOS_RIM_ID = "NV_GPU_VBIOS_1010_0200_882_960074001A";
    private static final String DRIVER_RIM_ID = "NV_GPU_DRIVER_GH100_580.95.05";

    @Autowired
    private JdbcClient jdbc;

    @DynamicPropertySource
    static void nvidiaServices(DynamicPropertyRegistry registry) {
        registry.add("openccm.collateral.nvidia.rim-url", () -> NVIDIA.url(""));
        registry.add("openccm.collateral.nvidia.ocsp-url", () -> NVIDIA.url("/ocsp"));
    }

    @BeforeEach
    void reset() {
        NVIDIA.rims.clear();
        NVIDIA.rimRequests.clear();
        NVIDIA.ocspRequests.clear();
        NVIDIA.ocsp.set(null);
        jdbc.sql("DELETE FROM collateral_items WHERE vendor = 'nvidia'").update();
    }

    @AfterEach
    void clean() {
        jdbc.sql("DELETE FROM collateral_items WHERE vendor = 'nvidia'").update();
    }

    // ---- the RIM service ----

    @Test
    void theRimsAGpuReportNamesAreFetchedByTheirIdsVerifiedAndCached() throws Exception {
        api.logInToNewAccount();
        approvedGpuImage();
        NVIDIA.rims.put(VBIOS_RIM_ID, read("nvidia-gpu/rim-vbios-1010_0200_882_960074001A_PROD.swidtag"));

        JsonNode e = explain();

        assertThat(NVIDIA.rimRequests).contains(DRIVER_RIM_ID, VBIOS_RIM_ID);
        assertThat(e.at("/decision/outcome").asString()).as(e.toString()).isEqualTo("COPROCESSOR_REFUSED");
        assertThat(e.at("/decision/detail").asString()).startsWith("gpu.rims").contains("[" + DRIVER_RIM_ID + "]")
                .doesNotContain(VBIOS_RIM_ID);
        JsonNode cached = api.get("/v1/collateral").expect(200).body().path("items");
        assertThat(cached.toString()).contains("nvidia:rim:" + VBIOS_RIM_ID, "nvidia-rim", NVIDIA.url("/v1/rim/" + VBIOS_RIM_ID));
        assertThat(e.path("collateral_warnings").toString()).as("the device chain's OCSP gave no answer: fail-open in the suite")
                .contains("gpu.certificate_chain[1]", "fail-open");
        // Asked about the device chain's intermediates, with their serial numbers, not the leaf or root.
        List<X509Certificate> chain = org.openccm.attestation.x509.CertificateChains.parseAll("chain", read("nvidia-gpu/trustee-hopper-coco-certs1.pem"));
        assertThat(NVIDIA.ocspRequests).contains(chain.get(1).getSerialNumber(), chain.get(2).getSerialNumber(), chain.get(3).getSerialNumber())
                .doesNotContain(chain.get(0).getSerialNumber(), chain.get(4).getSerialNumber());
    }

    @Test
    void aFetchedRimRidesTheBundleAndIsVerifiedAgainOnImport() throws Exception {
        api.logInToNewAccount();
        approvedGpuImage();
        NVIDIA.rims.put(VBIOS_RIM_ID, read("nvidia-gpu/rim-vbios-1010_0200_882_960074001A_PROD.swidtag"));
        explain();
        byte[] bundle = api.get("/v1/collateral/bundle").expect(200).raw().body().getBytes(StandardCharsets.UTF_8);

        JsonNode changed = Api.JSON.readTree(bundle);
        JsonNode payload = Api.JSON.readTree(changed.path("payload").asString());
        int index = 0;
        while (!payload.path("items").path(index).path("kind").asString().equals("nvidia-rim")) {
            index++;
        }
        ObjectNode item = (ObjectNode) payload.path("items").path(index);
        String xml = new String(Base64.getDecoder().decode(item.path("body").asString()), StandardCharsets.UTF_8);
        item.put("body", Base64.getEncoder().encodeToString(xml.replaceFirst("96\\.00\\.74\\.00\\.1A", "96.00.74.00.1B").getBytes(StandardCharsets.UTF_8)));
        ((ObjectNode) changed).put("payload", payload.toString());
        Api.Response refused = api.postRaw("/v1/collateral/bundle", "application/json", changed.toString().getBytes(StandardCharsets.UTF_8));

        refused.expect(400);
        assertThat(refused.text("field")).isEqualTo("bundle.items[" + index + "] (nvidia:rim:" + VBIOS_RIM_ID + ")");
        api.postRaw("/v1/collateral/bundle", "application/json", bundle).expect(200);
    }

    @Test
    void aRimOfAnotherVersionServedUnderTheIdIsRefusedNamingTheVersions() throws Exception {
        api.logInToNewAccount();
        approvedGpuImage();
        NVIDIA.rims.put(VBIOS_RIM_ID, read("nvidia-gpu/rim-vbios-1010_0200_882_960074001A_PROD.swidtag"));
        NVIDIA.rims.put(DRIVER_RIM_ID, read("nvidia-gpu/rim-driver-545.00-test_no_gpu.swidtag"));

        JsonNode e = explain();

        assertThat(e.at("/decision/outcome").asString()).isEqualTo("COPROCESSOR_REFUSED");
        assertThat(e.at("/decision/detail").asString()).contains("the RIMs are for [545.00", "the GPU runs driver 580.95.05");
    }

    @Test
    void aChangedRimFromTheServiceIsRefusedNamingIt() throws Exception {
        api.logInToNewAccount();
        approvedGpuImage();
        byte[] vbios = read("nvidia-gpu/rim-vbios-1010_0200_882_960074001A_PROD.swidtag");
        String changed = new String(vbios, StandardCharsets.UTF_8).replaceFirst("96\\.00\\.74\\.00\\.1A", "96.00.74.00.1B");
        NVIDIA.rims.put(VBIOS_RIM_ID, changed.getBytes(StandardCharsets.UTF_8));
        NVIDIA.rims.put(DRIVER_RIM_ID, read("nvidia-gpu/rim-driver-545.00-test_no_gpu.swidtag"));

        JsonNode e = explain();

        assertThat(e.at("/decision/detail").asString()).startsWith("gpu.rims").contains("NVIDIA's RIM " + VBIOS_RIM_ID + " does not verify");
    }

    // ---- OCSP, minted ----

    @Test
    void aGoodAnswerPassesAndIsKeptUntilItsNextUpdate() throws Exception {
        MintedNvidia n = new MintedNvidia();
        NVIDIA.ocsp.set(n.responder(CertificateStatus.GOOD));
        NvidiaOcsp ocsp = NvidiaOcsp.at(NVIDIA.url("/ocsp"), Clock.systemUTC());

        ocsp.check(n.chain(), 0, "rim certificate[0]");
        ocsp.check(n.chain(), 0, "rim certificate[0]");

        assertThat(NVIDIA.ocspRequests).containsExactly(n.leaf.getSerialNumber());
    }

    @Test
    void aRevokedCertificateIsRefusedWithItsReason() throws Exception {
        MintedNvidia n = new MintedNvidia();
        NVIDIA.ocsp.set(n.responder(new RevokedStatus(Date.from(Instant.parse("2025-01-02T00:00:00Z")), CRLReason.keyCompromise)));

        assertRefused(n, Reason.CHAIN, "rim certificate[0]", "is revoked by NVIDIA since 2025-01-02T00:00:00Z", "keyCompromise");
    }

    @Test
    void anUnknownCertificateIsRefused() throws Exception {
        MintedNvidia n = new MintedNvidia();
        NVIDIA.ocsp.set(n.responder(new UnknownStatus()));

        assertRefused(n, Reason.CHAIN, "rim certificate[0]", "is unknown to NVIDIA's OCSP responder");
    }

    @Test
    void anAnswerWithoutTheRequestsNonceIsRefused() throws Exception {
        MintedNvidia n = new MintedNvidia();
        Responder r = n.responder(CertificateStatus.GOOD);
        r.echoNonce = false;
        NVIDIA.ocsp.set(r);

        assertRefused(n, Reason.BINDING, "rim certificate[0].ocsp", "nonce");
    }

    @Test
    void anAnswerWithOneFlippedSignatureByteIsRefused() throws Exception {
        MintedNvidia n = new MintedNvidia();
        Responder r = n.responder(CertificateStatus.GOOD);
        r.flipSignature = true;
        NVIDIA.ocsp.set(r);

        assertRefused(n, Reason.SIGNATURE, "rim certificate[0].ocsp", "not signed by its responder certificate");
    }

    @Test
    void anAnswerSignedUnderAnotherRootIsRefused() throws Exception {
        MintedNvidia n = new MintedNvidia();
        MintedNvidia other = new MintedNvidia();
        NVIDIA.ocsp.set(other.responder(CertificateStatus.GOOD));

        // the other root has the same name: its responder's certificate fails on the signature of this root
        assertRefused(n, Reason.CHAIN, "rim certificate[0].ocsp.responder", "signature does not verify with the key of rim certificate[0].ocsp.root");
    }

    @Test
    void aResponderCertificateNotForOcspSigningIsRefused() throws Exception {
        MintedNvidia n = new MintedNvidia();
        Responder r = n.responder(CertificateStatus.GOOD);
        r.certificate = RejectionSupport.leaf("CN=Not a responder", r.key.getPublic(), "CN=Test NVIDIA Root", n.rootKey.getPrivate(), n.from, n.to);
        NVIDIA.ocsp.set(r);

        assertRefused(n, Reason.CHAIN, "rim certificate[0].ocsp", "not for OCSP signing");
    }

    @Test
    void aSilentResponderIsUnavailableForThePolicyToDecide() throws Exception {
        MintedNvidia n = new MintedNvidia();
        NvidiaOcsp ocsp = NvidiaOcsp.at(NVIDIA.url("/ocsp"), Clock.systemUTC()); // no responder set: 503

        assertThatThrownBy(() -> ocsp.check(n.chain(), 0, "rim certificate[0]")).isInstanceOf(NvidiaOcsp.Unavailable.class).hasMessageContaining("503");
    }

    @Test
    void failClosedRefusesAGpuWhoseCertificatesNvidiaDoesNotAnswerFor() throws Exception {
        try (var strict = anotherServer(org.openccm.server.TestPostgres.newDatabase(),
                "openccm.collateral.nvidia.ocsp-url=" + NVIDIA.url("/ocsp"), "openccm.collateral.nvidia.revocation=fail-closed")) {
            Api other = apiOf(strict);
            other.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
            UUID app = Fixtures.createApp(other, "AMD_SEV_SNP");
            approvedGpuImage(other, app);

            JsonNode e = explain(other);

            assertThat(e.at("/decision/outcome").asString()).as(e.toString()).isEqualTo("COPROCESSOR_REFUSED");
            assertThat(e.at("/decision/detail").asString()).startsWith("gpu.certificate_chain[1].ocsp").contains("fail-closed");
        }
    }

    // ---- helpers ----

    private void assertRefused(MintedNvidia n, Reason reason, String field, String... details) {
        NvidiaOcsp ocsp = NvidiaOcsp.at(NVIDIA.url("/ocsp"), Clock.systemUTC());
        assertThatThrownBy(() -> ocsp.check(n.chain(), 0, "rim certificate[0]")).isInstanceOfSatisfying(EvidenceRejected.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
            for (String d : details) {
                assertThat(e.getMessage()).contains(d);
            }
        });
    }

    private void approvedGpuImage() {
        approvedGpuImage(api, Fixtures.createApp(api, "AMD_SEV_SNP"));
    }

    private static void approvedGpuImage(Api target, UUID app) {
        ObjectNode image = Api.object().put("app_id", app.toString());
        ObjectNode snp = image.putObject("attributes").putObject("baremetal_amd_sev_snp");
        snp.put("measurement", MEASUREMENT).put("vmpl", "vmpl0");
        snp.putArray("coprocessors").addObject().put("attestation", "Required").put("gpu_vendor", "Nvidia");
        JsonNode created = target.post("/v1/builds", image).expect(200).body();
        target.patch("/v1/tasks/" + created.path("pending_task_id").asString(), Api.object().put("status", "APPROVED")).expect(200);
    }

    private JsonNode explain() throws IOException {
        return explain(api);
    }

    /** The real Genoa report with the real H100 evidence and its device chain, no RIMs, inside the VCEK's and RIMs' windows. */
    private static JsonNode explain(Api target) throws IOException {
        ObjectNode gpu = Api.object()
                .put("evidence", Files.readString(TestFiles.vector("nvidia-gpu/trustee-hopper-coco-report1.hex")).trim())
                .put("certificate_chain", Files.readString(TestFiles.vector("nvidia-gpu/trustee-hopper-coco-certs1.pem")));
        ObjectNode request = Api.object().put("platform", "SEV_SNP")
                .put("verification_time", Instant.parse("2025-06-01T00:00:00Z").getEpochSecond())
                .put("evidence", Base64.getEncoder().encodeToString(Files.readAllBytes(TestFiles.vector("azure-cvm/derived/genoa-snp-report.bin"))))
                .put("vcek", Files.readString(TestFiles.vector("azure-cvm/derived/genoa-vcek.pem")));
        request.set("gpu", gpu);
        return target.post("/v1/attestation/explain", request).expect(200).body();
    }

    private static byte[] read(String vector) throws IOException {
        return Files.readAllBytes(TestFiles.vector(vector));
    }

    /** A minted NVIDIA: root, a signing leaf under it (as a RIM's), and an OCSP responder certificate. */
    private static final class MintedNvidia {
        final Instant from = Instant.parse("2025-01-01T00:00:00Z");
        final Instant to = Instant.parse("2035-01-01T00:00:00Z");
        final KeyPair rootKey = RejectionSupport.ec("secp384r1");
        final X509Certificate root = RejectionSupport.ca("CN=Test NVIDIA Root", rootKey.getPublic(), "CN=Test NVIDIA Root", rootKey.getPrivate(), from, to);
        final X509Certificate leaf = RejectionSupport.leaf("CN=Test RIM Signer", RejectionSupport.ec("secp384r1").getPublic(), "CN=Test NVIDIA Root",
                rootKey.getPrivate(), from, to);

        List<X509Certificate> chain() {
            return List.of(leaf, root);
        }

        Responder responder(CertificateStatus status) throws Exception {
            KeyPair key = RejectionSupport.ec("secp384r1");
            X509Certificate cert = RejectionSupport.leaf("CN=Test NVIDIA OCSP Responder", key.getPublic(), "CN=Test NVIDIA Root", rootKey.getPrivate(), from, to,
                    RejectionSupport.ext(Extension.extendedKeyUsage.getId(), new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning).getEncoded()));
            return new Responder(key, cert, status);
        }
    }

    /** What the loopback OCSP responder answers: signed by {@code key}, carrying {@code certificate}. */
    private static final class Responder {
        final KeyPair key;
        X509Certificate certificate;
        final CertificateStatus status;
        boolean echoNonce = true;
        boolean flipSignature;

        Responder(KeyPair key, X509Certificate certificate, CertificateStatus status) {
            this.key = key;
            this.certificate = certificate;
            this.status = status;
        }

        byte[] answer(byte[] requestDer) throws Exception {
            OCSPReq request = new OCSPReq(requestDer);
            BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(
                    new RespID(new JcaX509CertificateHolder(certificate).getSubjectPublicKeyInfo(),
                            new JcaDigestCalculatorProviderBuilder().build().get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1)));
            Date now = new Date();
            for (Req r : request.getRequestList()) {
                builder.addResponse(r.getCertID(), status, now, new Date(now.getTime() + 3_600_000L), null);
            }
            Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (echoNonce && nonce != null) {
                builder.setResponseExtensions(new Extensions(nonce));
            }
            org.bouncycastle.cert.ocsp.BasicOCSPResp basic = builder.build(new JcaContentSignerBuilder("SHA384withECDSA").build(key.getPrivate()),
                    new X509CertificateHolder[] {new JcaX509CertificateHolder(certificate)}, now);
            byte[] der = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
            if (flipSignature) {
                byte[] signature = basic.getSignature();
                int at = RejectionSupport.indexOf(der, signature);
                der[at + signature.length / 2] ^= 1;
            }
            return der;
        }
    }

    /** NVIDIA's RIM service and OCSP responder on loopback. */
    static final class Nvidia {
        final Map<String, byte[]> rims = new ConcurrentHashMap<>();
        final List<String> rimRequests = new CopyOnWriteArrayList<>();
        final List<BigInteger> ocspRequests = new CopyOnWriteArrayList<>();
        final AtomicReference<Responder> ocsp = new AtomicReference<>();
        final AtomicInteger requests = new AtomicInteger();
        private final Loopback server = new Loopback(this::handle);

        String url(String path) {
            return server.url(path);
        }

        private void handle(HttpExchange x) throws IOException {
            requests.incrementAndGet();
            String path = x.getRequestURI().getPath();
            try {
                if (path.equals("/ocsp") && x.getRequestMethod().equals("POST")) {
                    byte[] body = x.getRequestBody().readAllBytes();
                    boolean ocspRequest = "application/ocsp-request".equals(x.getRequestHeaders().getFirst("Content-Type"));
                    for (Req r : new OCSPReq(body).getRequestList()) {
                        ocspRequests.add(r.getCertID().getSerialNumber());
                    }
                    Responder responder = ocsp.get();
                    if (responder == null || !ocspRequest) {
                        send(x, 503, new byte[0]);
                    } else {
                        send(x, 200, responder.answer(body));
                    }
                } else if (path.startsWith("/v1/rim/")) {
                    String id = path.substring("/v1/rim/".length());
                    rimRequests.add(id);
                    byte[] rim = rims.get(id);
                    if (rim == null) {
                        send(x, 404, "{\"message\":\"RIM not found\"}".getBytes(StandardCharsets.UTF_8));
                    } else {
                        ObjectNode answer = Api.object().put("id", id).put("rim", Base64.getEncoder().encodeToString(rim))
                                .put("sha256", java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(rim)))
                                .put("rim_format", "TCG").put("request_id", UUID.randomUUID().toString());
                        send(x, 200, answer.toString().getBytes(StandardCharsets.UTF_8));
                    }
                } else {
                    send(x, 404, new byte[0]);
                }
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                send(x, 500, new byte[0]);
            }
        }

        private static void send(HttpExchange x, int status, byte[] body) throws IOException {
            Loopback.send(x, status, body);
        }
    }
}
