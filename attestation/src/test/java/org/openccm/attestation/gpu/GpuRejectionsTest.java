// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openccm.attestation.RejectionSupport.assertRejected;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.RejectionSupport;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.w3c.dom.Document;

/**
 * Each refusal of the NVIDIA GPU report verifier and of the RIM verifier that the sample tests do not reach, on the
 * real H100 report and VBIOS RIM (SOURCES.md §8, clock 2024-06-01): the report's layout, the RIM's signature element
 * and certificates. The FWID binding and the RIM's measurement entries are read only after NVIDIA's signature; for
 * them the real report and RIM are re-signed by a device or RIM signer under a minted root.
 */
class GpuRejectionsTest {
    private static final VerificationContext JUNE_2024 = VerificationContext.at(Instant.parse("2024-06-01T00:00:00Z"));
    private static final String REPORT = "nvidia-gpu/trustee-hopper-coco-report1.hex";
    private static final String CHAIN = "nvidia-gpu/trustee-hopper-coco-certs1.pem";
    private static final String RIM = "nvidia-gpu/rim-vbios-1010_0200_882_960074001A_PROD.swidtag";
    private static final String DICE_TCB_INFO = "2.23.133.5.4.1";
    private final NvidiaGpuVerifier gpu = NvidiaGpuVerifier.withNvidiaRoot();
    private final RimVerifier rims = RimVerifier.withNvidiaRoot();

    // ---- the SPDM report's layout ----

    @Test
    void bytesThatAreNotAGetMeasurementsRequestAreRefused() {
        byte[] r = report();
        r[0] = 0x10; // SPDM 1.0
        assertRejected(() -> gpu.verify(r, chain(), null, JUNE_2024), Reason.MALFORMED, "gpu.evidence",
                "not an SPDM 1.1 GET_MEASUREMENTS request followed by its response");
        assertRejected(() -> gpu.verify(Arrays.copyOf(report(), 44), chain(), null, JUNE_2024), Reason.MALFORMED, "gpu.evidence",
                "not an SPDM 1.1 GET_MEASUREMENTS request");
    }

    @Test
    void aResponseOtherThanMeasurementsIsRefused() {
        byte[] r = report();
        r[37 + 1] = 0x02; // SPDM VERSION
        assertRejected(() -> gpu.verify(r, chain(), null, JUNE_2024), Reason.MALFORMED, "gpu.evidence",
                "the response is not SPDM MEASUREMENTS (0x60)");
    }

    @Test
    void aReportCutInsideItsSignatureIsRefused() {
        int end = signatureStart(report()) + 96;
        assertRejected(() -> gpu.verify(Arrays.copyOf(report(), end - 1), chain(), null, JUNE_2024), Reason.MALFORMED, "gpu.evidence",
                "truncated at byte " + (end - 1) + " (needs " + end + ")");
    }

    @Test
    void aReportCutInsideItsMeasurementRecordIsRefused() {
        int record = 37 + 8;
        assertRejected(() -> gpu.verify(Arrays.copyOf(report(), record + 10), chain(), null, JUNE_2024), Reason.MALFORMED, "gpu.evidence",
                "truncated at byte " + (record + 10));
    }

    // ---- behind the device's signature: the real report re-signed under a minted root ----

    @Test
    void theResignedReportVerifiesUnderTheTestRoot() throws Exception {
        byte[] fwid = HexFormat.of().parseHex(gpu.verify(report(), chain(), null, JUNE_2024).fwid());
        TestDevice device = new TestDevice(RejectionSupport.ec("secp384r1"), fwid);
        GpuAttestation a = device.verifier().verify(device.sign(report()), device.chain(), null, JUNE_2024);
        assertThat(a.fwid()).isEqualTo(HexFormat.of().formatHex(fwid));
    }

    @Test
    void aFirmwareIdTheCertificateDoesNotCertifyIsRefused() throws Exception {
        TestDevice withoutTcbInfo = new TestDevice(RejectionSupport.ec("secp384r1"), null);
        TestDevice otherFwid = new TestDevice(RejectionSupport.ec("secp384r1"), new byte[48]);
        assertRejected(() -> withoutTcbInfo.verifier().verify(withoutTcbInfo.sign(report()), withoutTcbInfo.chain(), null, JUNE_2024),
                Reason.BINDING, "gpu.fwid", "the firmware ID in the report is not the one the device certificate certifies");
        assertRejected(() -> otherFwid.verifier().verify(otherFwid.sign(report()), otherFwid.chain(), null, JUNE_2024),
                Reason.BINDING, "gpu.fwid", "the firmware ID in the report is not the one the device certificate certifies");
    }

    @Test
    void measurementBlocksRunningPastTheRecordAreRefused() throws Exception {
        TestDevice device = new TestDevice(RejectionSupport.ec("secp384r1"), null);
        byte[] r = report();
        r[37 + 4] = (byte) 0xff; // number of measurement blocks: the record holds fewer
        assertRejected(() -> device.verifier().verify(device.sign(r), device.chain(), null, JUNE_2024), Reason.MALFORMED, "gpu.evidence",
                "truncated at byte");
    }

    @Test
    void aDeviceKeyThatIsNotEcIsRefused() throws Exception {
        TestDevice device = new TestDevice(RejectionSupport.rsa(), null);
        assertRejected(() -> device.verifier().verify(report(), device.chain(), null, JUNE_2024), Reason.SIGNATURE, "gpu.signature",
                "cannot be verified");
    }

    // ---- the RIM ----

    @Test
    void aRimThatIsNotXmlIsRefused() {
        assertRejected(() -> rims.verify("<SoftwareIdentity".getBytes(StandardCharsets.UTF_8), JUNE_2024), Reason.MALFORMED, "rim",
                "not a well-formed SWID tag");
        assertRejected(() -> rims.verify("<!DOCTYPE x [<!ENTITY e \"e\">]><x>&e;</x>".getBytes(StandardCharsets.UTF_8), JUNE_2024),
                Reason.MALFORMED, "rim", "not a well-formed SWID tag");
    }

    @Test
    void aRimWithoutASignatureIsRefused() {
        String xml = rim();
        String unsigned = xml.substring(0, xml.indexOf("<ds:Signature ")) + xml.substring(xml.indexOf("</ds:Signature>") + "</ds:Signature>".length());
        assertRejected(() -> rims.verify(unsigned.getBytes(StandardCharsets.UTF_8), JUNE_2024), Reason.SIGNATURE, "rim",
                "must carry exactly one XML signature, has 0");
    }

    @Test
    void aRimWithAnUnreadableCertificateIsRefused() {
        String xml = rim();
        int at = xml.indexOf("<ds:X509Certificate>") + "<ds:X509Certificate>".length();
        String broken = xml.substring(0, at) + "AAAA" + xml.substring(xml.indexOf("</ds:X509Certificate>", at));
        assertRejected(() -> rims.verify(broken.getBytes(StandardCharsets.UTF_8), JUNE_2024), Reason.CHAIN, "rim.x509data", "unreadable certificate");
    }

    @Test
    void aRimWithoutCertificatesIsRefused() {
        String xml = rim().replaceAll("(?s)<ds:X509Certificate>.*?</ds:X509Certificate>", "");
        assertRejected(() -> rims.verify(xml.getBytes(StandardCharsets.UTF_8), JUNE_2024), Reason.CHAIN, "rim.x509data", "no signing certificate");
    }

    @Test
    void aSignatureThatCannotBeUnmarshalledIsRefused() {
        String xml = rim().replace("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "urn:example:unknown-signature-method");
        assertRejected(() -> rims.verify(xml.getBytes(StandardCharsets.UTF_8), JUNE_2024), Reason.SIGNATURE, "rim.signature", "cannot be verified");
    }

    @Test
    void aMeasurementActiveInTwoRimsIsRefused() throws Exception {
        GpuAttestation report = gpu.verify(report(), chain(), null, JUNE_2024);
        Rim vbios = rims.verify(rim().getBytes(StandardCharsets.UTF_8), JUNE_2024);
        int first = vbios.activeMeasurements().firstKey();
        assertRejected(() -> RimVerifier.mismatches(report, List.of(vbios, vbios)), Reason.MEASUREMENT, "rim",
                "measurement index " + first + " is active in two RIMs");
    }

    @Test
    void anActiveMeasurementWithoutANumericIndexIsRefused() throws Exception {
        TestRimSigner signer = new TestRimSigner();
        Rim resigned = signer.verifier().verify(signer.sign(rim()), JUNE_2024);
        assertThat(resigned.activeMeasurements()).hasSize(12); // the harness: the real RIM, re-signed, reads as before

        String xml = rim().replaceFirst("index=\"(\\d+)\"( active=\"True\")", "index=\"first\"$2");
        assertThat(xml).contains("index=\"first\" active=\"True\"");
        assertRejected(() -> signer.verifier().verify(signer.sign(xml), JUNE_2024), Reason.MALFORMED, "rim.resource",
                "a measurement without a numeric index or alternatives");
    }

    // ---- helpers ----

    private static byte[] report() {
        return HexFormat.of().parseHex(TestVectors.text(REPORT).trim());
    }

    /** Where the response's signature starts: after the measurement record, the responder's nonce and the opaque data. */
    private static int signatureStart(byte[] r) {
        int record = 37 + 8;
        int recordLength = (r[37 + 5] & 0xff) | (r[37 + 6] & 0xff) << 8 | (r[37 + 7] & 0xff) << 16;
        int p = record + recordLength;
        int opaqueLength = (r[p + 32] & 0xff) | (r[p + 33] & 0xff) << 8;
        return p + 34 + opaqueLength;
    }

    private static byte[] chain() {
        return TestVectors.bytes(CHAIN);
    }

    private static String rim() {
        return TestVectors.text(RIM);
    }

    /** A device certificate under a minted root, certifying {@code fwid} (no TcbInfo when null). */
    private static final class TestDevice {
        final Instant from = Instant.parse("2024-01-01T00:00:00Z");
        final Instant to = Instant.parse("2025-01-01T00:00:00Z");
        final KeyPair rootKey = RejectionSupport.ec("secp384r1");
        final KeyPair deviceKey;
        final X509Certificate root = RejectionSupport.ca("CN=Test Device Identity CA", rootKey.getPublic(), "CN=Test Device Identity CA", rootKey.getPrivate(), from, to);
        final X509Certificate leaf;

        TestDevice(KeyPair deviceKey, byte[] fwid) {
            this.deviceKey = deviceKey;
            RejectionSupport.Ext[] exts = fwid == null
                    ? new RejectionSupport.Ext[0]
                    : new RejectionSupport.Ext[] {RejectionSupport.ext(DICE_TCB_INFO, RejectionSupport.derOctets(fwid))};
            leaf = RejectionSupport.leaf("CN=Test GH100", deviceKey.getPublic(), "CN=Test Device Identity CA", rootKey.getPrivate(), from, to, exts);
        }

        NvidiaGpuVerifier verifier() {
            return new NvidiaGpuVerifier(root);
        }

        byte[] chain() throws Exception {
            return (pem(leaf) + pem(root)).getBytes(StandardCharsets.US_ASCII);
        }

        /** The report with its signature replaced by the test device's over request ‖ response up to it. */
        byte[] sign(byte[] r) throws Exception {
            int signatureStart = signatureStart(r);
            Signature ecdsa = Signature.getInstance("SHA384withECDSAinP1363Format");
            ecdsa.initSign(deviceKey.getPrivate());
            ecdsa.update(r, 0, signatureStart);
            byte[] out = r.clone();
            System.arraycopy(ecdsa.sign(), 0, out, signatureStart, 96);
            return out;
        }
    }

    /** A RIM signer under a minted root: signs a SWID tag as NVIDIA's RIMs are (enveloped, C14N 1.1, ECDSA-SHA384). */
    private static final class TestRimSigner {
        final Instant from = Instant.parse("2024-01-01T00:00:00Z");
        final Instant to = Instant.parse("2025-01-01T00:00:00Z");
        final KeyPair rootKey = RejectionSupport.ec("secp384r1");
        final KeyPair signerKey = RejectionSupport.ec("secp384r1");
        final X509Certificate root = RejectionSupport.ca("CN=Test CoRIM Root", rootKey.getPublic(), "CN=Test CoRIM Root", rootKey.getPrivate(), from, to);
        final X509Certificate signer = RejectionSupport.leaf("CN=Test RIM Signer", signerKey.getPublic(), "CN=Test CoRIM Root", rootKey.getPrivate(), from, to);

        RimVerifier verifier() {
            return new RimVerifier(root);
        }

        /** {@code xml} with NVIDIA's signature replaced by this signer's. */
        byte[] sign(String xml) throws Exception {
            String unsigned = xml.substring(0, xml.indexOf("<ds:Signature ")) + xml.substring(xml.indexOf("</ds:Signature>") + "</ds:Signature>".length());
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(unsigned.getBytes(StandardCharsets.UTF_8)));
            XMLSignatureFactory xml11 = XMLSignatureFactory.getInstance("DOM");
            Reference reference = xml11.newReference("", xml11.newDigestMethod(DigestMethod.SHA384, null), List.of(
                    xml11.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null),
                    xml11.newTransform(CanonicalizationMethod.INCLUSIVE_11, (TransformParameterSpec) null)), null, null);
            SignedInfo signedInfo = xml11.newSignedInfo(
                    xml11.newCanonicalizationMethod(CanonicalizationMethod.INCLUSIVE_11, (C14NMethodParameterSpec) null),
                    xml11.newSignatureMethod(SignatureMethod.ECDSA_SHA384, null), List.of(reference));
            KeyInfoFactory keys = xml11.getKeyInfoFactory();
            DOMSignContext context = new DOMSignContext(signerKey.getPrivate(), doc.getDocumentElement());
            context.setDefaultNamespacePrefix("ds");
            xml11.newXMLSignature(signedInfo, keys.newKeyInfo(List.of(keys.newX509Data(List.of(signer))))).sign(context);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        }
    }

    private static String pem(X509Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
