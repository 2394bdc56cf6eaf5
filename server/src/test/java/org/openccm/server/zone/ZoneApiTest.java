// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.zone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.openccm.server.attestation.AttestationApiTest;
import org.openccm.server.attestation.TestNitroEnclave;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A workload attests with a zone's join token instead of a user's credentials: the token is shown once, works until
 * revoked, expired or rotated, and reaches nothing but the zone's attestation (checked on every operation of the API).
 */
class ZoneApiTest extends ApiTest {
    private static final List<String> PCRS = List.of(Fixtures.hex(48, 61), Fixtures.hex(48, 62), Fixtures.hex(48, 63));

    @Autowired
    private JdbcClient jdbc;

    private UUID zone;

    @BeforeEach
    void accountWithAnApprovedImage() {
        api.logInToNewAccount();
        Fixtures.approvedNitroImage(api, Fixtures.approvedNitroApp(api, "workload.example.com"), PCRS);
        zone = UUID.fromString(api.get("/v1/zones").expect(200).body().path(0).path("zone_id").asString());
    }

    @Test
    void everyAccountHasADefaultZoneWhoseCaIsTheAccountCa() {
        JsonNode zones = api.get("/v1/zones").expect(200).body();

        assertThat(zones).hasSize(1);
        assertThat(zones.path(0).path("is_default").asBoolean()).isTrue();
        assertThat(zones.path(0).path("certificate").asString()).isEqualTo(api.get("/v1/pki/ca").expect(200).raw().body());
        assertThat(zones.path(0).at("/node_enrollment/attestation_enforcement_disabled_insecure").asBoolean()).isFalse();
        assertThat(api.get("/v1/zones/" + zone + "/certificates").expect(200).text("current_certificate"))
                .isEqualTo(zones.path(0).path("certificate").asString());
        assertThat(api.get("/v1/zones/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void aWorkloadWithAJoinTokenGetsACertificateChainingToTheZoneCa() throws Exception {
        JsonNode created = api.post("/v1/zones/" + zone + "/tokens", Api.object().put("name", "payments fleet")).expect(201).body();
        String token = created.path("token").asString();
        assertThat(token).startsWith("ojt_");
        assertThat(api.get("/v1/zones/" + zone + "/tokens").expect(200).body().path("items").path(0).has("token"))
                .as("the secret is shown once").isFalse();

        JsonNode issued = attest(api.as(token)).expect(200).body();

        X509Certificate cert = certificate(issued.path("certificate").asString());
        X509Certificate zoneCa = certificate(api.get("/v1/zones/" + zone).expect(200).text("certificate"));
        cert.verify(zoneCa.getPublicKey());
        assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(2, "workload.example.com"));
        assertThat(api.get("/v1/audit?action=attestation.accepted").expect(200).body().toString())
                .contains("join-token:" + created.path("token_id").asString());
        assertThat(api.get("/v1/zones/" + zone + "/tokens").expect(200).body().at("/items/0/last_used_at").isMissingNode()).isFalse();
    }

    @Test
    void theCaRollsOverNextPublishedFirstThenRotatedAndTheOldCertificatesStayVerifiableAndRevocable() throws Exception {
        Api workload = api.as(newToken());
        JsonNode before = attest(workload).expect(200).body();
        X509Certificate oldCa = certificate(api.get("/v1/zones/" + zone).expect(200).text("certificate"));
        api.post("/v1/zones/" + zone + "/certificates/rotate", null).expect(409);

        X509Certificate next = certificate(api.post("/v1/zones/" + zone + "/certificates", null).expect(200).text("next_certificate"));

        assertThat(next.getSubjectX500Principal()).isEqualTo(oldCa.getSubjectX500Principal());
        assertThat(next.getPublicKey()).isNotEqualTo(oldCa.getPublicKey());
        next.verify(next.getPublicKey());
        api.post("/v1/zones/" + zone + "/certificates", null).expect(409);
        assertThat(api.get("/v1/zones/" + zone + "/certificates").expect(200).text("next_certificate")).isEqualTo(pem(next));
        assertThat(certificates(api.get("/v1/pki/ca").expect(200).raw().body())).as("relying parties trust it before it issues")
                .containsExactly(oldCa, next);
        certificate(attest(workload).expect(200).body().path("certificate").asString()).verify(oldCa.getPublicKey());

        JsonNode rotated = api.post("/v1/zones/" + zone + "/certificates/rotate", null).expect(200).body();

        assertThat(rotated.path("current_certificate").asString()).isEqualTo(pem(next));
        assertThat(rotated.path("previous_certificates")).hasSize(1);
        assertThat(rotated.path("previous_certificates").path(0).asString()).isEqualTo(pem(oldCa));
        assertThat(rotated.has("next_certificate") && !rotated.path("next_certificate").isNull()).isFalse();
        assertThat(api.get("/v1/zones/" + zone).expect(200).text("certificate")).isEqualTo(pem(next));
        X509Certificate after = certificate(attest(workload).expect(200).body().path("certificate").asString());
        after.verify(next.getPublicKey());
        // A certificate of the old CA is revoked after the rotation: the old CA's own CRL lists it.
        api.post("/v1/certificates/" + before.path("certificate_id").asString() + "/revoke", null).expect(200);
        java.util.Collection<? extends java.security.cert.CRL> crls = CertificateFactory.getInstance("X.509")
                .generateCRLs(new ByteArrayInputStream(api.get("/v1/pki/crl").expect(200).raw().body().getBytes()));
        assertThat(crls).hasSize(2);
        X509Certificate revoked = certificate(before.path("certificate").asString());
        for (var c : crls) {
            java.security.cert.X509CRL crl = (java.security.cert.X509CRL) c;
            boolean byOld = verifies(crl, oldCa);
            assertThat(byOld || verifies(crl, next)).as("every CRL is signed by one of the CAs").isTrue();
            assertThat(crl.isRevoked(revoked)).isEqualTo(byOld);
        }
        assertThat(api.get("/v1/audit?action=ca.rotated").expect(200).body().path("items")).hasSize(1);
        assertThat(api.newMember("EDITOR").post("/v1/zones/" + zone + "/certificates", null).status()).isEqualTo(403);
    }

    @Test
    void aRevokedExpiredOrRotatedAwaySecretIsRefused() {
        String revoked = newToken();
        String tokenId = api.get("/v1/zones/" + zone + "/tokens").expect(200).body().at("/items/0/token_id").asString();
        api.delete("/v1/zones/" + zone + "/tokens/" + tokenId).expect(200);
        assertThat(api.as(revoked).post("/v1/attestation/challenge", null).status()).isEqualTo(401);
        assertThat(api.delete("/v1/zones/" + zone + "/tokens/" + tokenId).status()).isEqualTo(409);

        String expired = newToken();
        jdbc.sql("UPDATE zone_join_tokens SET expires_at = now() - interval '1 second' WHERE account_id = (SELECT account_id FROM zones WHERE id = ?)"
                        + " AND revoked_at IS NULL")
                .param(zone)
                .update();
        assertThat(api.as(expired).post("/v1/attestation/challenge", null).status()).isEqualTo(401);

        String old = newToken();
        String rotatedId = api.get("/v1/zones/" + zone + "/tokens").expect(200).body().at("/items/0/token_id").asString();
        String rotated = api.post("/v1/zones/" + zone + "/tokens/" + rotatedId + "/rotate", Api.object().put("expires_in", 3600))
                .expect(200)
                .text("token");
        assertThat(api.as(old).post("/v1/attestation/challenge", null).status()).isEqualTo(401);
        api.as(rotated).post("/v1/attestation/challenge", null).expect(200);
    }

    @Test
    void tokenLifetimesAreBoundedAndTokensAreForAdminsOnly() {
        api.post("/v1/zones/" + zone + "/tokens", Api.object().put("expires_in", 10)).rejects("expires_in");
        api.post("/v1/zones/" + zone + "/tokens", Api.object().put("expires_in", 400L * 86_400)).rejects("expires_in");
        Api editor = api.newMember("EDITOR");
        assertThat(editor.post("/v1/zones/" + zone + "/tokens", Api.object()).status()).isEqualTo(403);
        assertThat(editor.get("/v1/zones/" + zone + "/tokens").status()).isEqualTo(403);
        editor.get("/v1/zones").expect(200);
    }

    @Test
    void aJoinTokenReachesNothingButAttestationOnAnyOperationOfTheApi() {
        Api workload = api.as(newToken());
        JsonNode paths = api.get("/v1/openapi.json").expect(200).body().path("paths");
        List<String> reached = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                String method = operation.getKey().toUpperCase(java.util.Locale.ROOT);
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                String url = path.getKey().replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
                // Its own three: attest, get a challenge, and provision a node of its zone (NodeApiTest).
                if (method.equals("POST") && (url.equals("/v1/attestation") || url.equals("/v1/attestation/challenge") || url.equals("/v1/nodes"))) {
                    continue;
                }
                int status = workload.send(method, url, Api.object()).status();
                checked++;
                // Answered without any credential: the log-in itself (which wants a password), the version, Fortanix's
                // log-in discovery (the same answer for everyone) and task status by id (404 for a made-up id).
                boolean logIn = url.equals("/v1/sys/auth");
                if (url.equals("/v1/sys/version") || url.equals("/v1/sys/auth/discover")) {
                    continue;
                }
                if (url.startsWith("/v1/tasks/status/")) {
                    assertThat(status).as(method + " " + url).isEqualTo(404);
                    continue;
                }
                if (logIn ? status < 400 : status != 403) {
                    reached.add(method + " " + url + " -> " + status);
                }
            }
        }
        assertThat(checked).as("operations checked").isGreaterThan(40);
        assertThat(reached).as("operations a join token reached").isEmpty();
        workload.post("/v1/attestation/challenge", null).expect(200);
    }

    @Test
    void aWorkloadCannotExplainOrReadItsOwnCertificates() {
        Api workload = api.as(newToken());

        assertThat(workload.post("/v1/attestation/explain", Api.object().put("platform", "NITRO").put("evidence", "AA==")).status())
                .isEqualTo(403);
        assertThat(workload.get("/v1/certificates").status()).isEqualTo(403);
    }

    private String newToken() {
        return api.post("/v1/zones/" + zone + "/tokens", null).expect(201).text("token");
    }

    private static Api.Response attest(Api workload) {
        KeyPair key = TestNitroEnclave.workloadKey();
        String nonce = workload.post("/v1/attestation/challenge", null).expect(200).text("nonce");
        byte[] evidence = TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null, Base64.getDecoder().decode(nonce));
        return workload.post("/v1/attestation", Api.object()
                .put("platform", "NITRO")
                .put("evidence", Base64.getEncoder().encodeToString(evidence))
                .put("csr", AttestationApiTest.csr(key))
                .put("nonce", nonce));
    }


    private static boolean verifies(java.security.cert.X509CRL crl, X509Certificate ca) {
        try {
            crl.verify(ca.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static List<X509Certificate> certificates(String pem) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes()))) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    private static String pem(X509Certificate cert) {
        return org.openccm.server.pki.Pem.of(cert);
    }

    private static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes()));
    }
}
