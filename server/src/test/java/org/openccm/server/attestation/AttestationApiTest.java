// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.openccm.server.pki.CertificateAuthority;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole path over HTTP: an app with a domain, an image with the enclave's PCRs, approval, attestation with a
 * bound key, and a certificate that chains to the account CA and names exactly the approved domain. The evidence is
 * signed by {@link TestNitroEnclave}'s test root (trusted by the test server) and checked by the production verifier.
 */
public class AttestationApiTest extends ApiTest {
    private static final List<String> PCRS = List.of(Fixtures.hex(48, 11), Fixtures.hex(48, 12), Fixtures.hex(48, 13));
    private UUID app;
    private String build;

    @BeforeEach
    void approvedImage() {
        api.logInToNewAccount();
        ObjectNode request = Fixtures.app("EDP-NITRO");
        request.putArray("allowed_domains").add("enclave.example.com");
        JsonNode created = api.post("/v1/apps", request).expect(200).body();
        app = UUID.fromString(created.path("app_id").asString());
        approve(created.path("pending_task_id").asString());
        JsonNode image = api.post("/v1/builds", nitroImage(PCRS)).expect(200).body();
        build = image.path("build_id").asString();
        approve(image.path("pending_task_id").asString());
    }

    @Test
    void anAttestedWorkloadGetsACertificateForItsApprovedDomainOnly() throws Exception {
        KeyPair key = TestNitroEnclave.workloadKey();
        // a domain asked for but not approved must not appear
        var patch = Api.object();
        patch.putArray("allowed_domains").add("enclave.example.com").add("unapproved.example.com");
        api.patch("/v1/apps/" + app, patch).expect(200);

        byte[] nonce = challenge();
        JsonNode issued = attest(TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null, nonce), csr(key), nonce)
                .expect(200)
                .body();

        X509Certificate cert = parse(issued.path("certificate").asString());
        X509Certificate ca = parse(api.get("/v1/pki/ca").expect(200).raw().body());
        cert.verify(ca.getPublicKey());
        cert.checkValidity();
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(cert.getPublicKey()).isEqualTo(key.getPublic());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=enclave.example.com");
        assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(2, "enclave.example.com"));
        assertThat(new String(cert.getExtensionValue(CertificateAuthority.IMAGE_EXTENSION_OID))).contains(build, "NITRO");
        assertThat(cert.getNotAfter().toInstant()).isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(89)));
        assertThat(issued.path("certificate_chain")).hasSize(2);
        assertThat(issued.path("build_id").asString()).isEqualTo(build);
        assertThat(api.get("/v1/builds/" + build).expect(200).body().at("/deployment_status/status").asString())
                .isEqualTo("DEPLOYED");
        assertThat(api.get("/v1/audit?action=attestation.accepted").expect(200).body().path("items")).hasSize(1);
        assertThat(api.get("/v1/certificates").expect(200).body().at("/items/0/certificate_id").asString())
                .isEqualTo(issued.path("certificate_id").asString());
    }

    @Test
    void aKeyDigestInUserDataBindsTheKeyToo() throws Exception {
        KeyPair key = TestNitroEnclave.workloadKey();
        byte[] nonce = challenge();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(key.getPublic().getEncoded());
        byte[] digest = sha.digest(nonce);

        attest(TestNitroEnclave.document(PCRS, null, digest), csr(key), nonce).expect(200);
    }

    @Test
    void aCsrKeyThatTheEvidenceDoesNotBindIsRefused() {
        KeyPair bound = TestNitroEnclave.workloadKey();
        KeyPair other = TestNitroEnclave.workloadKey();

        byte[] nonce = challenge();
        Api.Response r = attest(TestNitroEnclave.document(PCRS, bound.getPublic().getEncoded(), null, nonce), csr(other), nonce)
                .expect(422);

        assertThat(r.text("reason")).isEqualTo("BINDING");
        assertThat(r.text("field")).isEqualTo("csr");
        assertThat(api.get("/v1/audit?action=attestation.refused").expect(200).body().path("items")).hasSize(1);
    }

    @Test
    void aPendingImageIsRefusedByName() {
        List<String> pending = List.of(Fixtures.hex(48, 21), Fixtures.hex(48, 22), Fixtures.hex(48, 23));
        String pendingBuild = api.post("/v1/builds", nitroImage(pending)).expect(200).text("build_id");
        KeyPair key = TestNitroEnclave.workloadKey();

        byte[] nonce = challenge();
        Api.Response r = attest(TestNitroEnclave.document(pending, key.getPublic().getEncoded(), null, nonce), csr(key), nonce)
                .expect(422);

        assertThat(r.text("reason")).isEqualTo("NOT_APPROVED");
        assertThat(r.text("detail")).contains(pendingBuild).contains("PENDING");
    }

    @Test
    void aRejectedImageIsRefusedByName() {
        List<String> rejected = List.of(Fixtures.hex(48, 31), Fixtures.hex(48, 32), Fixtures.hex(48, 33));
        JsonNode image = api.post("/v1/builds", nitroImage(rejected)).expect(200).body();
        api.patch("/v1/tasks/" + image.path("pending_task_id").asString(), Api.object().put("status", "DENIED"))
                .expect(200);
        KeyPair key = TestNitroEnclave.workloadKey();

        byte[] nonce = challenge();
        Api.Response r = attest(TestNitroEnclave.document(rejected, key.getPublic().getEncoded(), null, nonce), csr(key), nonce)
                .expect(422);

        assertThat(r.text("reason")).isEqualTo("NOT_APPROVED");
        assertThat(r.text("detail")).contains(image.path("build_id").asString()).contains("REJECTED");
    }

    @Test
    void evidenceOfNoRegisteredImageIsRefusedWithWhatWasMeasured() {
        List<String> unknown = List.of(Fixtures.hex(48, 41), Fixtures.hex(48, 42), Fixtures.hex(48, 43));
        KeyPair key = TestNitroEnclave.workloadKey();

        byte[] nonce = challenge();
        Api.Response r = attest(TestNitroEnclave.document(unknown, key.getPublic().getEncoded(), null, nonce), csr(key), nonce)
                .expect(422);

        assertThat(r.text("reason")).isEqualTo("NO_MATCH");
        assertThat(r.text("detail")).contains(unknown.get(0));
    }

    @Test
    void tamperedEvidenceIsRefusedWithItsReason() {
        KeyPair key = TestNitroEnclave.workloadKey();
        byte[] nonce = challenge();
        byte[] doc = TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null, nonce);
        doc[doc.length - 1] ^= 0x01;

        Api.Response r = attest(doc, csr(key), nonce).expect(422);

        assertThat(r.text("reason")).isEqualTo("SIGNATURE");
    }

    @Test
    void aRevokedCertificateIsOnTheAccountsCrl() throws Exception {
        KeyPair key = TestNitroEnclave.workloadKey();
        byte[] nonce = challenge();
        JsonNode issued = attest(TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null, nonce), csr(key), nonce)
                .expect(200)
                .body();
        String id = issued.path("certificate_id").asString();

        api.post("/v1/certificates/" + id + "/revoke", Api.object().put("reason", "key compromise")).expect(200);
        api.post("/v1/certificates/" + id + "/revoke", Api.object()).expect(409);

        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(
                new ByteArrayInputStream(api.get("/v1/pki/crl").expect(200).raw().body().getBytes()));
        X509Certificate ca = parse(api.get("/v1/pki/ca").expect(200).raw().body());
        crl.verify(ca.getPublicKey());
        assertThat(crl.isRevoked(parse(issued.path("certificate").asString()))).isTrue();
    }

    @Test
    void aBrokenCsrIsA400() {
        KeyPair key = TestNitroEnclave.workloadKey();
        String doc = Base64.getEncoder().encodeToString(TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null));

        api.post("/v1/attestation", Api.object().put("platform", "NITRO").put("evidence", doc).put("csr", "nope"))
                .rejects("csr");
        api.post("/v1/attestation", Api.object().put("platform", "NITRO").put("evidence", "%%%").put("csr", csr(key)))
                .rejects("evidence");
    }

    private Api.Response attest(byte[] document, String csr, byte[] nonce) {
        return api.post(
                "/v1/attestation",
                Api.object()
                        .put("platform", "NITRO")
                        .put("evidence", Base64.getEncoder().encodeToString(document))
                        .put("csr", csr)
                        .put("nonce", Base64.getEncoder().encodeToString(nonce)));
    }

    /** A fresh nonce from the server, as a workload gets it before producing evidence. */
    private byte[] challenge() {
        JsonNode c = api.post("/v1/attestation/challenge", null).expect(200).body();
        assertThat(c.path("expires_at").asLong()).isGreaterThan(java.time.Instant.now().getEpochSecond());
        return Base64.getDecoder().decode(c.path("nonce").asString());
    }

    private ObjectNode nitroImage(List<String> pcrs) {
        ObjectNode b = Api.object().put("app_id", app.toString());
        b.putObject("attributes")
                .putObject("nitro_enclave")
                .put("hash_algorithm", "Sha384")
                .put("pcr0", pcrs.get(0))
                .put("pcr1", pcrs.get(1))
                .put("pcr2", pcrs.get(2));
        return b;
    }

    private void approve(String task) {
        api.patch("/v1/tasks/" + task, Api.object().put("status", "APPROVED")).expect(200);
    }

    public static String csr(KeyPair key) {
        try {
            var request = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=workload"), key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
                pem.writeObject(request);
            }
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes()));
    }
}
