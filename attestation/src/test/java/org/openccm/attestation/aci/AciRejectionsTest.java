// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.aci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openccm.attestation.RejectionSupport.assertRejected;
import static org.openccm.attestation.cbor.Cbor.encode;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.RejectionSupport;
import org.openccm.attestation.RejectionSupport.Ext;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.cbor.Cbor;
import org.openccm.attestation.snp.SnpVerifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each refusal of the ACI evidence reader and of the UVM endorsement verifier that the sample tests do not reach,
 * on the real csc-aci-evidence-2023 sample (SOURCES.md §9, clock 2023-06-01): the evidence JSON, and the
 * endorsement's envelope and protected header, changed where nothing checks a signature yet. What the endorsement
 * says is read only after Microsoft's signature; for those checks the endorsement is signed by a minted chain under
 * a DID that names its root.
 */
class AciRejectionsTest {
    private static final VerificationContext JUNE_2023 = VerificationContext.at(Instant.parse("2023-06-01T00:00:00Z"));
    private static final String DIR = "aci-policy/csc-aci-evidence-2023/";
    private static final String EKU = "1.3.6.1.4.1.311.76.59.1.2";
    private static final UvmEndorsementVerifier MICROSOFT = UvmEndorsementVerifier.microsoft();
    private final AciVerifier verifier = new AciVerifier(SnpVerifier.withAmdRoots(), MICROSOFT);

    // ---- the evidence document ----

    @Test
    void evidenceThatIsNotJsonIsRefused() {
        assertRejected(() -> verifier.verifyGroup(Evidence.of("{\"snp_report\":".getBytes(StandardCharsets.UTF_8)), JUNE_2023),
                Reason.MALFORMED, "evidence", "not the ACI evidence JSON");
    }

    @Test
    void evidenceThatIsNotAnObjectIsRefused() {
        assertRejected(() -> verifier.verifyGroup(Evidence.of("[\"snp_report\"]".getBytes(StandardCharsets.UTF_8)), JUNE_2023),
                Reason.MALFORMED, "evidence", "not a JSON object");
    }

    @Test
    void aFieldThatIsNotBase64IsRefused() throws Exception {
        ObjectNode doc = evidence();
        doc.put("snp_report", "not*base64!");
        assertRejected(() -> verifier.verifyGroup(Evidence.of(bytes(doc)), JUNE_2023), Reason.MALFORMED, "snp_report", "not base64");
    }

    @Test
    void aHostAmdCertThatIsNotThimsJsonIsRefused() throws Exception {
        ObjectNode doc = evidence();
        doc.put("host_amd_cert", Base64.getEncoder().encodeToString("-----BEGIN CERTIFICATE-----".getBytes(StandardCharsets.US_ASCII)));
        assertRejected(() -> verifier.verifyGroup(Evidence.of(bytes(doc)), JUNE_2023), Reason.MALFORMED, "host_amd_cert", "not THIM's JSON");
    }

    @Test
    void aHostAmdCertWithoutTheVcekIsRefused() throws Exception {
        ObjectNode thim = (ObjectNode) JsonMapper.builder().build().readTree(TestVectors.bytes(DIR + "host-amd-cert.json"));
        thim.remove("vcekCert");
        ObjectNode doc = evidence();
        doc.put("host_amd_cert", Base64.getEncoder().encodeToString(bytes(thim)));
        assertRejected(() -> verifier.verifyGroup(Evidence.of(bytes(doc)), JUNE_2023), Reason.CHAIN, "host_amd_cert.vcekCert",
                "required: the VCEK that signed the report");
    }

    // ---- the endorsement's envelope ----

    @Test
    void anEndorsementThatIsNotCborIsRefused() {
        assertRejected(() -> MICROSOFT.verify(new byte[] {(byte) 0xd2, (byte) 0x84}, JUNE_2023), Reason.MALFORMED, "reference_info", "not CBOR");
    }

    @Test
    void aTagOtherThanCoseSign1IsRefused() {
        byte[] cose = encode(new Cbor.Tagged(98, items()));
        assertRejected(() -> MICROSOFT.verify(cose, JUNE_2023), Reason.MALFORMED, "reference_info", "CBOR tag 98 is not COSE_Sign1 (18)");
    }

    @Test
    void anArrayOfThreeItemsIsRefused() {
        List<Object> items = items();
        items.remove(3);
        assertRejected(() -> MICROSOFT.verify(encode(items), JUNE_2023), Reason.MALFORMED, "reference_info", "not a COSE_Sign1 array of 4 items");
    }

    @Test
    void aPayloadThatIsNotAByteStringIsRefused() {
        List<Object> items = items();
        items.set(2, "payload");
        assertRejected(() -> MICROSOFT.verify(encode(items), JUNE_2023), Reason.MALFORMED, "reference_info", "payload is not a byte string");
    }

    @Test
    void aProtectedHeaderThatIsNotAMapIsRefused() {
        List<Object> items = items();
        items.set(0, encode(List.of(1L, -38L)));
        assertRejected(() -> MICROSOFT.verify(encode(items), JUNE_2023), Reason.MALFORMED, "reference_info", "the protected header is not a CBOR map");
    }

    // ---- the protected header, checked before the signature ----

    @Test
    void anAlgorithmOtherThanPs384IsRefused() {
        byte[] cose = endorsement();
        int alg = RejectionSupport.indexOf(cose, HexFormat.of().parseHex("a7013825")) + 3;
        cose[alg] = 0x22; // -38 (PS384) -> -35 (ES384)
        assertRejected(() -> MICROSOFT.verify(cose, JUNE_2023), Reason.SIGNATURE, "reference_info.alg", "must be PS384 (-38), is -35");
    }

    @Test
    void aFeedOtherThanTheUvmsIsRefused() {
        byte[] cose = RejectionSupport.replace(endorsement(), "ContainerPlat-AMD-UVM", "ContainerPlat-AMD-UVX");
        assertRejected(() -> MICROSOFT.verify(cose, JUNE_2023), Reason.MEASUREMENT, "reference_info.feed",
                "must be ContainerPlat-AMD-UVM, is ContainerPlat-AMD-UVX");
    }

    @Test
    void aChainWhoseRootIsNotTheOneTheIssuerNamesIsRefused() {
        String other = UvmEndorsementVerifier.MICROSOFT_UVM_ISSUER.replace("sha256:I__iu", "sha256:J__iu");
        byte[] cose = RejectionSupport.replace(endorsement(), UvmEndorsementVerifier.MICROSOFT_UVM_ISSUER, other);
        assertRejected(() -> new UvmEndorsementVerifier(List.of(other)).verify(cose, JUNE_2023), Reason.WRONG_ROOT, "reference_info.x5chain",
                "the chain's root is not the one " + other + " names");
    }

    @Test
    void aHeaderWithoutX5chainIsRefused() throws Exception {
        List<Object> items = items();
        Map<Object, Object> header = new LinkedHashMap<>((Map<?, ?>) Cbor.decode((byte[]) items.get(0)));
        header.remove(33L);
        items.set(0, encode(header));
        assertRejected(() -> MICROSOFT.verify(encode(new Cbor.Tagged(18, items)), JUNE_2023), Reason.MALFORMED, "reference_info",
                "no x5chain (header 33) in the protected header");
    }

    // ---- behind the signature: an endorsement signed by a minted chain ----

    @Test
    void theTestEndorsementVerifiesUnderItsDid() throws Exception {
        TestIssuer issuer = new TestIssuer(RejectionSupport.rsa(), eku(EKU));
        UvmEndorsement e = issuer.verifier().verify(issuer.sign(claims("ab".repeat(48), "7")), issuer.now);
        assertThat(e.launchMeasurement()).isEqualTo("ab".repeat(48));
        assertThat(e.guestSvn()).isEqualTo(7);
    }

    @Test
    void aPayloadThatIsNotJsonIsRefused() throws Exception {
        TestIssuer issuer = new TestIssuer(RejectionSupport.rsa(), eku(EKU));
        assertRejected(() -> issuer.verifier().verify(issuer.sign("{\"x-ms-sevsnpvm-guestsvn\":"), issuer.now), Reason.MALFORMED,
                "reference_info", "the payload is not JSON");
    }

    @Test
    void aLaunchMeasurementThatIsNotSha384HexIsRefused() throws Exception {
        TestIssuer issuer = new TestIssuer(RejectionSupport.rsa(), eku(EKU));
        assertRejected(() -> issuer.verifier().verify(issuer.sign(claims("ab".repeat(47), "7")), issuer.now), Reason.MEASUREMENT,
                "reference_info.x-ms-sevsnpvm-launchmeasurement", "must be 96 hex characters");
    }

    @Test
    void aGuestSvnThatIsNotANumberIsRefused() throws Exception {
        TestIssuer issuer = new TestIssuer(RejectionSupport.rsa(), eku(EKU));
        assertRejected(() -> issuer.verifier().verify(issuer.sign(claims("ab".repeat(48), "seven")), issuer.now), Reason.MEASUREMENT,
                "reference_info.x-ms-sevsnpvm-guestsvn", "must be a number");
    }

    @Test
    void aLeafWithoutTheIssuersEkuIsRefused() throws Exception {
        TestIssuer issuer = new TestIssuer(RejectionSupport.rsa(), eku("1.3.6.1.5.5.7.3.3"));
        assertRejected(() -> issuer.verifier().verify(issuer.sign(claims("ab".repeat(48), "7")), issuer.now), Reason.CHAIN,
                "reference_info.leaf", "lacks the extended key usage " + EKU + " its issuer DID requires");
        TestIssuer none = new TestIssuer(RejectionSupport.rsa());
        assertRejected(() -> none.verifier().verify(none.sign(claims("ab".repeat(48), "7")), none.now), Reason.CHAIN,
                "reference_info.leaf", "lacks the extended key usage");
    }

    @Test
    void aLeafWithAnUnreadableEkuIsRefused() throws Exception {
        TestIssuer issuer = new TestIssuer(RejectionSupport.rsa(), RejectionSupport.ext("2.5.29.37", RejectionSupport.derInteger(5)));
        assertRejected(() -> issuer.verifier().verify(issuer.sign(claims("ab".repeat(48), "7")), issuer.now), Reason.CHAIN,
                "reference_info.leaf", "unreadable extended key usage");
    }

    @Test
    void aLeafWhoseKeyIsNotRsaIsRefused() throws Exception {
        TestIssuer issuer = new TestIssuer(RejectionSupport.ec("secp384r1"), eku(EKU));
        assertRejected(() -> issuer.verifier().verify(issuer.sign(claims("ab".repeat(48), "7")), issuer.now), Reason.SIGNATURE,
                "reference_info.signature", "cannot be verified");
    }

    // ---- helpers ----

    private static byte[] endorsement() {
        return TestVectors.bytes(DIR + "uvm-reference-info.cose");
    }

    /** The real endorsement's COSE_Sign1 items. */
    private static List<Object> items() {
        try {
            return new ArrayList<>((List<?>) ((Cbor.Tagged) Cbor.decode(endorsement())).item());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode evidence() throws Exception {
        ObjectNode doc = JsonMapper.builder().build().createObjectNode();
        doc.put("snp_report", Base64.getEncoder().encodeToString(TestVectors.bytes(DIR + "snp_report.bin")));
        doc.put("reference_info", Base64.getEncoder().encodeToString(endorsement()));
        doc.put("host_amd_cert", Base64.getEncoder().encodeToString(TestVectors.bytes(DIR + "host-amd-cert.json")));
        return doc;
    }

    private static byte[] bytes(ObjectNode json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String claims(String measurement, String svn) {
        return "{\"x-ms-sevsnpvm-guestsvn\":\"" + svn + "\",\"x-ms-sevsnpvm-launchmeasurement\":\"" + measurement + "\"}";
    }

    private static Ext eku(String oid) {
        try {
            return RejectionSupport.ext("2.5.29.37", new DERSequence(new ASN1ObjectIdentifier(oid)).getEncoded("DER"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A root and a leaf minted for the test, the root named by a did:x509 as Microsoft's is. */
    private static final class TestIssuer {
        final Instant from = Instant.parse("2024-01-01T00:00:00Z");
        final Instant to = Instant.parse("2025-01-01T00:00:00Z");
        final VerificationContext now = VerificationContext.at(Instant.parse("2024-06-01T00:00:00Z"));
        final KeyPair rootKey = RejectionSupport.ec("secp384r1");
        final KeyPair leafKey;
        final X509Certificate root = RejectionSupport.ca("CN=Test Supply Chain Root", rootKey.getPublic(), "CN=Test Supply Chain Root", rootKey.getPrivate(), from, to);
        final X509Certificate leaf;
        final String did = "did:x509:0:sha256:" + UvmEndorsementVerifier.fingerprint(root) + "::eku:" + EKU;

        TestIssuer(KeyPair leafKey, Ext... leafExtensions) {
            this.leafKey = leafKey;
            leaf = RejectionSupport.leaf("CN=Test ContainerPlat", leafKey.getPublic(), "CN=Test Supply Chain Root", rootKey.getPrivate(), from, to, leafExtensions);
        }

        UvmEndorsementVerifier verifier() {
            return new UvmEndorsementVerifier(List.of(did));
        }

        byte[] sign(String payload) throws Exception {
            Map<Object, Object> header = new LinkedHashMap<>();
            header.put(1L, -38L);
            header.put("iss", did);
            header.put("feed", UvmEndorsementVerifier.UVM_FEED);
            header.put(33L, List.of(leaf.getEncoded(), root.getEncoded()));
            byte[] protectedHeader = encode(header);
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            byte[] signature = new byte[256];
            if (leafKey.getPrivate().getAlgorithm().equals("RSA")) {
                Signature pss = Signature.getInstance("RSASSA-PSS");
                pss.setParameter(new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1));
                pss.initSign(leafKey.getPrivate());
                pss.update(Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], body)));
                signature = pss.sign();
            }
            return encode(new Cbor.Tagged(18, List.of(protectedHeader, Map.of(), body, signature)));
        }
    }
}
