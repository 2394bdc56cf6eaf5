// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Fresh attestation: a certificate needs evidence that binds the CSR key together with a nonce the server issued to
 * this account, used once, before it expires. Each way of failing that is refused with its own reason and audited.
 */
class ChallengeApiTest extends ApiTest {
    private static final List<String> PCRS = List.of(Fixtures.hex(48, 51), Fixtures.hex(48, 52), Fixtures.hex(48, 53));

    @Autowired
    private JdbcClient jdbc;

    @BeforeEach
    void approvedImage() {
        api.logInToNewAccount();
        Fixtures.approvedNitroImage(api, Fixtures.approvedNitroApp(api, "fresh.example.com"), PCRS);
    }

    @Test
    void aNonceObtainsOneCertificateAndIsThenReplayed() {
        KeyPair key = TestNitroEnclave.workloadKey();
        byte[] nonce = challenge();
        byte[] evidence = TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null, nonce);

        attest(evidence, key, nonce).expect(200);
        Api.Response replay = attest(evidence, key, nonce).expect(422);

        assertThat(replay.text("reason")).isEqualTo("NONCE_REPLAYED");
        assertThat(replay.text("field")).isEqualTo("nonce");
        assertThat(api.get("/v1/audit?action=attestation.refused").expect(200).body().toString()).contains("NONCE_REPLAYED");
    }

    @Test
    void anExpiredNonceIsRefused() {
        KeyPair key = TestNitroEnclave.workloadKey();
        byte[] nonce = challenge();
        jdbc.sql("UPDATE attestation_challenges SET expires_at = now() - interval '1 second' WHERE nonce_sha256 = ?")
                .param(sha256Hex(nonce))
                .update();

        Api.Response r = attest(TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null, nonce), key, nonce).expect(422);

        assertThat(r.text("reason")).isEqualTo("NONCE_EXPIRED");
    }

    @Test
    void aNonceTheServerNeverIssuedIsRefused() {
        KeyPair key = TestNitroEnclave.workloadKey();
        byte[] madeUp = new byte[32];
        new SecureRandom().nextBytes(madeUp);

        Api.Response r = attest(TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null, madeUp), key, madeUp).expect(422);

        assertThat(r.text("reason")).isEqualTo("NONCE_UNKNOWN");
    }

    @Test
    void anotherAccountsNonceIsUnknownHere() {
        byte[] theirs = challenge();
        api.logInToNewAccount();
        KeyPair key = TestNitroEnclave.workloadKey();

        Api.Response r = attest(TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null, theirs), key, theirs).expect(422);

        assertThat(r.text("reason")).isEqualTo("NONCE_UNKNOWN");
    }

    @Test
    void evidenceThatBindsTheKeyButNotTheNonceIsRefused() throws Exception {
        KeyPair key = TestNitroEnclave.workloadKey();
        byte[] keyOnly = MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded());

        byte[] nonce = challenge();
        Api.Response digest = attest(TestNitroEnclave.document(PCRS, null, keyOnly), key, nonce).expect(422);
        byte[] next = challenge();
        Api.Response publicKey = attest(TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null), key, next).expect(422);

        assertThat(digest.text("reason")).isEqualTo("BINDING");
        assertThat(digest.text("detail")).as("the refusal states the rule with the nonce").contains("user_data must start with SHA-256(its DER SubjectPublicKeyInfo ‖ the challenge's nonce)");
        assertThat(publicKey.text("reason")).isEqualTo("BINDING");
    }

    @Test
    void anAttestationWithoutANonceIsA400NamingIt() {
        KeyPair key = TestNitroEnclave.workloadKey();

        api.post("/v1/attestation", Api.object()
                        .put("platform", "NITRO")
                        .put("evidence", Base64.getEncoder().encodeToString(TestNitroEnclave.document(PCRS, key.getPublic().getEncoded(), null)))
                        .put("csr", AttestationApiTest.csr(key)))
                .rejects("nonce");
    }

    private byte[] challenge() {
        JsonNode c = api.post("/v1/attestation/challenge", null).expect(200).body();
        assertThat(c.path("binding").asString()).contains("REPORT_DATA");
        return Base64.getDecoder().decode(c.path("nonce").asString());
    }

    private Api.Response attest(byte[] evidence, KeyPair key, byte[] nonce) {
        return api.post("/v1/attestation", Api.object()
                .put("platform", "NITRO")
                .put("evidence", Base64.getEncoder().encodeToString(evidence))
                .put("csr", AttestationApiTest.csr(key))
                .put("nonce", Base64.getEncoder().encodeToString(nonce)));
    }


    private static String sha256Hex(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
