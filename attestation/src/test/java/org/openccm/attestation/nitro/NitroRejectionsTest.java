// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.nitro;

import static org.openccm.attestation.RejectionSupport.assertRejected;
import static org.openccm.attestation.cbor.Cbor.encode;

import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.RejectionSupport;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.cbor.Cbor;

/**
 * Each refusal of the Nitro verifier and of the nitro-cli measurement parser that the sample tests do not reach.
 * Payload fields are checked before the signature, so the real document re-encoded with one field changed reaches
 * each of them; the two checks behind the signature use a document signed under a minted root.
 */
class NitroRejectionsTest {
    private static final NitroVerifier VERIFIER = NitroVerifier.withAwsRoot();
    private static final VerificationContext OCT_13_2022 = VerificationContext.at(Instant.parse("2022-10-13T10:00:00Z"));
    private static final String SAMPLE = "nitro/evervault-2022-10-13-nondebug.cbor";

    // ---- the COSE_Sign1 envelope ----

    @Test
    void aTagOtherThanCoseSign1IsRefused() {
        byte[] tagged = encode(new Cbor.Tagged(17, envelope()));

        assertRejected(() -> VERIFIER.verify(tagged, OCT_13_2022), Reason.MALFORMED, "document", "CBOR tag 17 is not COSE_Sign1 (18)");
    }

    @Test
    void anArrayOfThreeItemsIsNotCoseSign1() {
        List<Object> cose = envelope();
        cose.remove(3);

        assertRejected(() -> VERIFIER.verify(encode(cose), OCT_13_2022), Reason.MALFORMED, "document", "not a COSE_Sign1 array of 4 items");
    }

    @Test
    void aProtectedHeaderThatIsNotAByteStringIsRefused() {
        List<Object> cose = envelope();
        cose.set(0, "protected");

        assertRejected(() -> VERIFIER.verify(encode(cose), OCT_13_2022), Reason.MALFORMED, "protected", "must be a byte string");
    }

    @Test
    void aProtectedHeaderThatIsNotAMapIsRefused() {
        List<Object> cose = envelope();
        cose.set(0, encode(List.of(1L, -35L)));

        assertRejected(() -> VERIFIER.verify(encode(cose), OCT_13_2022), Reason.MALFORMED, "protected", "must be a CBOR map");
    }

    @Test
    void anAlgorithmOtherThanEs384IsRefused() {
        List<Object> cose = envelope();
        cose.set(0, encode(Map.of(1L, -7L))); // ES256

        assertRejected(() -> VERIFIER.verify(encode(cose), OCT_13_2022), Reason.MALFORMED, "protected", "algorithm must be ES384 (-35), got -7");
    }

    @Test
    void aPayloadThatIsNotAMapIsRefused() {
        List<Object> cose = envelope();
        cose.set(2, encode(List.of("module_id")));

        assertRejected(() -> VERIFIER.verify(encode(cose), OCT_13_2022), Reason.MALFORMED, "payload", "must be a CBOR map");
    }

    @Test
    void aSignatureOfTheWrongLengthIsRefused() {
        List<Object> cose = envelope();
        cose.set(3, Arrays.copyOf((byte[]) cose.get(3), 95));

        assertRejected(() -> VERIFIER.verify(encode(cose), OCT_13_2022), Reason.SIGNATURE, "signature", "ES384 needs 96 bytes (r||s), got 95");
    }

    // ---- payload fields, each checked before the signature ----

    @Test
    void anEmptyModuleIdIsRefused() {
        assertPayloadRejected(doc -> doc.put("module_id", ""), "module_id", "is empty");
    }

    @Test
    void aModuleIdThatIsNotTextIsRefused() {
        assertPayloadRejected(doc -> doc.put("module_id", 7L), "module_id", "must be a text string");
    }

    @Test
    void aDigestOtherThanSha384IsRefused() {
        assertPayloadRejected(doc -> doc.put("digest", "SHA256"), "digest", "must be SHA384");
    }

    @Test
    void aNegativeOrMissingTimestampIsRefused() {
        assertPayloadRejected(doc -> doc.put("timestamp", -1L), "timestamp", "must be an unsigned integer");
        assertPayloadRejected(doc -> doc.remove("timestamp"), "timestamp", "must be an unsigned integer");
    }

    @Test
    void pcrsThatAreNotAMapOrEmptyAreRefused() {
        assertPayloadRejected(doc -> doc.put("pcrs", new LinkedHashMap<>()), "pcrs", "must be a map of PCR index to bytes");
        assertPayloadRejected(doc -> doc.put("pcrs", List.of()), "pcrs", "must be a map of PCR index to bytes");
    }

    @Test
    void aPcrIndexBeyond31IsRefused() {
        assertPayloadRejected(doc -> pcrs(doc).put(32L, new byte[48]), "pcrs", "index 32 is not 0..31");
        assertPayloadRejected(doc -> pcrs(doc).put("0", new byte[48]), "pcrs", "index 0 is not 0..31");
    }

    @Test
    void aPcrOfAnotherLengthIsRefused() {
        assertPayloadRejected(doc -> pcrs(doc).put(3L, new byte[47]), "pcrs[3]", "length 47 is not 32, 48 or 64");
    }

    @Test
    void aPcrThatIsNotAByteStringIsRefused() {
        assertPayloadRejected(doc -> pcrs(doc).put(3L, "00"), "pcrs[3]", "must be a byte string");
    }

    @Test
    void aMissingPcr2IsRefused() {
        assertPayloadRejected(doc -> pcrs(doc).remove(2L), "pcrs[2]", "missing");
    }

    @Test
    void anEmptyOrMissingCabundleIsRefused() {
        assertPayloadRejected(doc -> doc.put("cabundle", List.of()), "cabundle", "must be a non-empty array of certificates");
        assertPayloadRejected(doc -> doc.remove("cabundle"), "cabundle", "must be a non-empty array of certificates");
    }

    // ---- checks behind the signature: a document signed under a minted root ----

    @Test
    void aUserDataLongerThan1024BytesIsRefused() throws Exception {
        TestEnclave enclave = new TestEnclave(RejectionSupport.ec("secp384r1"));
        byte[] doc = enclave.sign(Map.of("user_data", new byte[1025]));

        NitroVerifier trustingTheTestRoot = new NitroVerifier(List.of(enclave.root));
        trustingTheTestRoot.verify(enclave.sign(Map.of("user_data", new byte[1024])), enclave.now); // the limit itself passes
        assertRejected(() -> trustingTheTestRoot.verify(doc, enclave.now), Reason.MALFORMED, "user_data", "longer than 1024 bytes");
    }

    @Test
    void aLeafWhoseKeyCannotVerifyEs384IsRefused() throws Exception {
        TestEnclave enclave = new TestEnclave(RejectionSupport.rsa());
        byte[] doc = enclave.sign(Map.of());

        assertRejected(() -> new NitroVerifier(List.of(enclave.root)).verify(doc, enclave.now),
                Reason.SIGNATURE, "signature", "cannot be verified");
    }

    // ---- nitro-cli measurement JSON ----

    @Test
    void jsonWithoutMeasurementsIsRefused() {
        assertRejected(() -> NitroMeasurementsParser.parse("{\"PCR0\":\"" + "0".repeat(96) + "\"}"),
                Reason.MALFORMED, "Measurements", "expected an object");
        assertRejected(() -> NitroMeasurementsParser.parse("{\"Measurements\":[]}"), Reason.MALFORMED, "Measurements", "expected an object");
    }

    @Test
    void aPcrBeyond31IsRefused() {
        assertRejected(() -> NitroMeasurementsParser.parse(measurements("\"PCR32\":\"" + "a".repeat(96) + "\"")),
                Reason.MALFORMED, "Measurements.PCR32", "Nitro has PCR0 to PCR31");
    }

    @Test
    void aPcrThatIsNotAStringIsRefused() {
        assertRejected(() -> NitroMeasurementsParser.parse(measurements("\"PCR3\":42")),
                Reason.MALFORMED, "Measurements.PCR3", "must be a hex string");
    }

    @Test
    void aPcrGivenTwiceIsRefused() {
        assertRejected(() -> NitroMeasurementsParser.parse(measurements("\"pcr0\":\"" + "b".repeat(96) + "\"")),
                Reason.MALFORMED, "Measurements.pcr0", "PCR0 appears twice");
    }

    private static String measurements(String extra) {
        String pcr = "\"" + "1".repeat(96) + "\"";
        return "{\"Measurements\":{\"PCR0\":" + pcr + ",\"PCR1\":" + pcr + ",\"PCR2\":" + pcr + "," + extra + "}}";
    }

    // ---- helpers ----

    /** The real document's COSE_Sign1 items: protected, unprotected, payload, signature. */
    private static List<Object> envelope() {
        try {
            return new ArrayList<>((List<?>) Cbor.decode(TestVectors.bytes(SAMPLE)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> pcrs(Map<Object, Object> doc) {
        Map<Object, Object> copy = new LinkedHashMap<>((Map<Object, Object>) doc.get("pcrs"));
        doc.put("pcrs", copy);
        return copy;
    }

    /** The real document with its payload changed by {@code change}, the signature kept: refused as MALFORMED. */
    private static void assertPayloadRejected(Consumer<Map<Object, Object>> change, String field, String detail) {
        List<Object> cose = envelope();
        Map<Object, Object> doc;
        try {
            doc = new LinkedHashMap<>((Map<?, ?>) Cbor.decode((byte[]) cose.get(2)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        change.accept(doc);
        cose.set(2, encode(doc));
        assertRejected(() -> VERIFIER.verify(encode(cose), OCT_13_2022), Reason.MALFORMED, field, detail);
    }

    /** An enclave certified under a minted root, signing the documents it is asked for. */
    private static final class TestEnclave {
        final KeyPair rootKey = RejectionSupport.ec("secp384r1");
        final KeyPair leafKey;
        final Instant from = Instant.parse("2024-01-01T00:00:00Z");
        final VerificationContext now = VerificationContext.at(from.plus(1, ChronoUnit.HOURS));
        final X509Certificate root;
        final X509Certificate leaf;

        TestEnclave(KeyPair leafKey) {
            this.leafKey = leafKey;
            Instant to = from.plus(1, ChronoUnit.DAYS);
            root = RejectionSupport.ca("CN=Test Nitro Root", rootKey.getPublic(), "CN=Test Nitro Root", rootKey.getPrivate(), from, to);
            leaf = RejectionSupport.leaf("CN=Test Enclave", leafKey.getPublic(), "CN=Test Nitro Root", rootKey.getPrivate(), from, to);
        }

        byte[] sign(Map<String, Object> extra) throws Exception {
            Map<Object, Object> pcrs = new LinkedHashMap<>();
            for (long i = 0; i < 3; i++) {
                byte[] pcr = new byte[48];
                Arrays.fill(pcr, (byte) (i + 1));
                pcrs.put(i, pcr);
            }
            Map<Object, Object> doc = new LinkedHashMap<>();
            doc.put("module_id", "i-test-enc0");
            doc.put("digest", "SHA384");
            doc.put("timestamp", from.toEpochMilli());
            doc.put("pcrs", pcrs);
            doc.put("certificate", leaf.getEncoded());
            doc.put("cabundle", List.of(root.getEncoded()));
            doc.putAll(extra);
            byte[] protectedHeader = encode(Map.of(1L, -35L));
            byte[] payload = encode(doc);
            byte[] signature = new byte[96];
            if (leafKey.getPrivate().getAlgorithm().equals("EC")) {
                Signature ecdsa = Signature.getInstance("SHA384withECDSAinP1363Format");
                ecdsa.initSign(leafKey.getPrivate());
                ecdsa.update(Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], payload)));
                signature = ecdsa.sign();
            }
            return encode(List.of(protectedHeader, Map.of(), payload, signature));
        }
    }
}
