// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.azurecvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openccm.attestation.RejectionSupport.assertRejected;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.RejectionSupport;
import org.openccm.attestation.RejectionSupport.Ext;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.dcap.DcapCollateral;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.snp.AmdProduct;
import org.openccm.attestation.snp.SnpVerifier;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.attestation.x509.Der;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each refusal of the Azure confidential-VM verifier that the sample tests do not reach, on the real Milan v1
 * evidence (SOURCES.md §5, clock 2025-06-01): its JSON and HCL report changed where no signature covers them, and
 * other genuine hardware reports put in the HCL's place. The attestation key and the vTPM quote are read only after
 * the hardware report vouched for them; for those checks the Milan report is re-signed by a VCEK under a minted
 * ARK/ASK (with the real VCEK's extensions), over HCL variable data and a quote the test writes.
 */
class AzureCvmRejectionsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final VerificationContext JUNE_2025 = VerificationContext.at(Instant.parse("2025-06-01T00:00:00Z"));
    private static final String SAMPLE = "azure-cvm/trustee-az-snp-vtpm-milan-evidence-v1.json";
    private static final int REPORT_TYPE = 0x4C8;
    private static final int VAR_SIZE = 0x4D0;
    private static final int VAR_DATA = 0x4D4;
    private final AzureCvmVerifier verifier = new AzureCvmVerifier(SnpVerifier.withAmdRoots(), DcapVerifier.withIntelRoot());

    // ---- the evidence JSON and its unsigned HCL header ----

    @Test
    void evidenceThatIsNotJsonIsRefused() {
        assertRejected(() -> verifier.verifyVm("{\"tpm_quote\":".getBytes(StandardCharsets.UTF_8), null, null, JUNE_2025),
                Reason.MALFORMED, "evidence", "not the Azure CVM evidence JSON");
    }

    @Test
    void aMissingOrNonHexQuoteFieldIsRefused() {
        ObjectNode missing = evidence();
        ((ObjectNode) missing.path("tpm_quote")).remove("signature");
        ObjectNode notHex = evidence();
        ((ObjectNode) notHex.path("tpm_quote")).put("message", "ff54zz");

        assertRejected(() -> verify(missing), Reason.MALFORMED, "tpm_quote.signature", "required");
        assertRejected(() -> verify(notHex), Reason.MALFORMED, "tpm_quote.message", "not hex");
    }

    @Test
    void aMissingOrNonBase64HclReportIsRefused() {
        ObjectNode missing = evidence();
        missing.remove("hcl_report");
        ObjectNode notBase64 = evidence();
        notBase64.put("hcl_report", "not*base64");

        assertRejected(() -> verify(missing), Reason.MALFORMED, "hcl_report", "required");
        assertRejected(() -> verify(notBase64), Reason.MALFORMED, "hcl_report", "not base64url");
    }

    @Test
    void aReportThatIsNotAnHclReportIsRefused() {
        byte[] hcl = hcl();
        hcl[3] = 'B';
        assertRejected(() -> verify(withHcl(evidence(), hcl)), Reason.MALFORMED, "hcl_report", "not an HCL attestation report (HCLA)");
        assertRejected(() -> verify(withHcl(evidence(), Arrays.copyOf(hcl(), 0x4D0))), Reason.MALFORMED, "hcl_report",
                "not an HCL attestation report (HCLA)");
    }

    @Test
    void variableDataRunningPastTheReportIsRefused() {
        byte[] hcl = hcl();
        ByteBuffer.wrap(hcl).order(ByteOrder.LITTLE_ENDIAN).putInt(VAR_SIZE, hcl.length);
        assertRejected(() -> verify(withHcl(evidence(), hcl)), Reason.MALFORMED, "hcl_report", "variable data runs past the report");
    }

    @Test
    void aReportTypeNeitherSnpNorTdxIsRefused() {
        byte[] hcl = hcl();
        hcl[REPORT_TYPE] = 3;
        assertRejected(() -> verify(withHcl(evidence(), hcl)), Reason.MALFORMED, "hcl_report.report_type", "3 is neither SNP (2) nor TDX (4)");
    }

    @Test
    void anSnpReportWithoutAVcekIsRefused() {
        ObjectNode e = evidence();
        e.remove("vcek");
        assertRejected(() -> verify(e), Reason.CHAIN, "vcek", "required: the VCEK that signed the SNP report");
    }

    // ---- genuine hardware reports of another kind in the HCL's place ----

    @Test
    void anSnpReportFromAVmplOtherThanZeroIsRefused() {
        // AWS's VLEK-signed report comes from VMPL1: genuine, but not the HCL's.
        byte[] hcl = hcl();
        System.arraycopy(TestVectors.bytes("sev-snp/trustee-milan-vlek-aws-report.bin"), 0, hcl, 0x20, 1184);
        assertRejected(() -> verifier.verifyVm(bytes(withHcl(evidence(), hcl)), TestVectors.bytes("sev-snp/trustee-milan-vlek-aws.der"), null, JUNE_2025),
                Reason.BINDING, "hcl_report.vmpl", "the report comes from VMPL1, not the HCL at VMPL0");
    }

    @Test
    void anSgxQuoteInPlaceOfTheTdQuoteIsRefused() throws Exception {
        byte[] hcl = hcl();
        hcl[REPORT_TYPE] = 4;
        ObjectNode e = withHcl(evidence(), hcl);
        e.put("td_quote", Base64.getUrlEncoder().withoutPadding().encodeToString(TestVectors.bytes("sgx-dcap/phala-sgx-v3-quote.bin")));
        DcapCollateral sgx = DcapCollateral.parse(TestVectors.bytes("sgx-dcap/phala-sgx-v3-collateral.json"));

        assertRejected(() -> verifier.verifyVm(bytes(e), null, sgx, VerificationContext.at(Instant.parse("2025-07-01T00:00:00Z"))),
                Reason.MALFORMED, "td_quote", "is not a TDX quote");
    }

    // ---- the vTPM quote: the PCR values are not signed, the signature's length is checked by the JDK ----

    @Test
    void aPcrQuotedButNotSentIsRefused() {
        ObjectNode e = evidence();
        ArrayNode pcrs = (ArrayNode) e.path("tpm_quote").path("pcrs");
        while (pcrs.size() > 20) {
            pcrs.remove(pcrs.size() - 1);
        }
        assertRejected(() -> verify(e), Reason.MALFORMED, "tpm_quote.pcrs", "PCR20 is quoted but not sent");
    }

    @Test
    void aSignatureOfTheWrongLengthCannotBeVerified() {
        ObjectNode e = evidence();
        String signature = e.path("tpm_quote").path("signature").asString();
        ((ObjectNode) e.path("tpm_quote")).put("signature", signature.substring(2));
        assertRejected(() -> verify(e), Reason.SIGNATURE, "tpm_quote.signature", "cannot be verified", "Bad signature length");
    }

    // ---- behind the hardware report: the Milan report re-signed under a minted AMD ----

    @Test
    void theResignedEvidenceVerifiesUnderTheTestAmd() throws Exception {
        TestVm vm = new TestVm();
        AzureCvmAttestation a = vm.verifier().verifyVm(vm.evidence(vm.akVariableData(), realMessage()), vm.vcek, null, JUNE_2025);
        assertThat(new String(a.nonce(), StandardCharsets.US_ASCII)).isEqualTo("challenge");
        assertThat(a.pcrs()).hasSize(24);
    }

    @Test
    void variableDataThatIsNotJsonIsRefused() throws Exception {
        TestVm vm = new TestVm();
        byte[] e = vm.evidence("{\"keys\":[".getBytes(StandardCharsets.UTF_8), realMessage());
        assertRejected(() -> vm.verifier().verifyVm(e, vm.vcek, null, JUNE_2025), Reason.MALFORMED, "hcl_report.variable_data", "unreadable keys");
    }

    @Test
    void variableDataWithoutTheAttestationKeyIsRefused() throws Exception {
        TestVm vm = new TestVm();
        byte[] e = vm.evidence("{\"keys\":[{\"kid\":\"HCLEkPub\",\"kty\":\"RSA\"}]}".getBytes(StandardCharsets.UTF_8), realMessage());
        assertRejected(() -> vm.verifier().verifyVm(e, vm.vcek, null, JUNE_2025), Reason.MALFORMED, "hcl_report.variable_data",
                "has no HCLAkPub RSA key");
    }

    @Test
    void aQuoteThatIsNotTpmGeneratedIsRefused() throws Exception {
        TestVm vm = new TestVm();
        byte[] message = realMessage();
        message[0] = 0; // TPM_GENERATED_VALUE ff544347 -> 00544347
        byte[] e = vm.evidence(vm.akVariableData(), message);
        assertRejected(() -> vm.verifier().verifyVm(e, vm.vcek, null, JUNE_2025), Reason.MALFORMED, "tpm_quote.message",
                "not a TPM-generated quote (TPMS_ATTEST)");
    }

    @Test
    void aQuoteOfTheSha1BankIsRefused() throws Exception {
        TestVm vm = new TestVm();
        byte[] message = realMessage();
        message[83] = 0x04; // the PCR selection's hash algorithm: SHA-256 (0x000b) -> SHA-1 (0x0004)
        byte[] e = vm.evidence(vm.akVariableData(), message);
        assertRejected(() -> vm.verifier().verifyVm(e, vm.vcek, null, JUNE_2025), Reason.MALFORMED, "tpm_quote.message",
                "quotes a PCR bank other than SHA-256 (0x4)");
    }

    @Test
    void aTruncatedQuoteIsRefused() throws Exception {
        TestVm vm = new TestVm();
        byte[] e = vm.evidence(vm.akVariableData(), Arrays.copyOf(realMessage(), 80));
        assertRejected(() -> vm.verifier().verifyVm(e, vm.vcek, null, JUNE_2025), Reason.MALFORMED, "tpm_quote.message", "truncated TPMS_ATTEST");
    }

    // ---- helpers ----

    private static ObjectNode evidence() {
        return (ObjectNode) JSON.readTree(TestVectors.bytes(SAMPLE));
    }

    private static byte[] bytes(ObjectNode e) {
        return e.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void verify(ObjectNode e) throws Exception {
        verifier.verifyVm(bytes(e), null, null, JUNE_2025);
    }

    private static byte[] hcl() {
        return Base64.getUrlDecoder().decode(evidence().path("hcl_report").asString());
    }

    private static ObjectNode withHcl(ObjectNode e, byte[] hcl) {
        e.put("hcl_report", Base64.getUrlEncoder().withoutPadding().encodeToString(hcl));
        return e;
    }

    private static byte[] realMessage() {
        return HexFormat.of().parseHex(evidence().path("tpm_quote").path("message").asString());
    }

    /**
     * The Milan VM under a minted ARK-Milan/SEV-Milan: its VCEK carries the real VCEK's product, chip and TCB
     * extensions, so the real report, with REPORT_DATA over the test's variable data, verifies once re-signed.
     */
    private static final class TestVm {
        final Instant from = Instant.parse("2025-01-01T00:00:00Z");
        final Instant to = Instant.parse("2026-01-01T00:00:00Z");
        final KeyPair arkKey = RejectionSupport.ec("secp384r1");
        final KeyPair askKey = RejectionSupport.ec("secp384r1");
        final KeyPair vcekKey = RejectionSupport.ec("secp384r1");
        final KeyPair ak = RejectionSupport.rsa();
        final X509Certificate ark = RejectionSupport.ca("CN=ARK-Milan", arkKey.getPublic(), "CN=ARK-Milan", arkKey.getPrivate(), from, to);
        final X509Certificate ask = RejectionSupport.ca("CN=SEV-Milan", askKey.getPublic(), "CN=ARK-Milan", arkKey.getPrivate(), from, to);
        final byte[] vcek;

        TestVm() throws Exception {
            X509Certificate real = CertificateChains.parse("vcek", TestVectors.bytes("azure-cvm/derived/milan-v1-vcek.der"));
            List<Ext> exts = new ArrayList<>();
            for (String arc : List.of("2", "3.1", "3.2", "3.3", "3.8", "4")) {
                String oid = "1.3.6.1.4.1.3704.1." + arc;
                exts.add(RejectionSupport.ext(oid, Der.extension(real, oid)));
            }
            vcek = RejectionSupport.leaf("CN=SEV-VCEK", vcekKey.getPublic(), "CN=SEV-Milan", askKey.getPrivate(), from, to, exts.toArray(Ext[]::new))
                    .getEncoded();
        }

        AzureCvmVerifier verifier() {
            return new AzureCvmVerifier(new SnpVerifier(Map.of(AmdProduct.MILAN, new SnpVerifier.AmdCertificates(ark, ask, null))),
                    DcapVerifier.withIntelRoot());
        }

        /** The HCL variable data with the test's attestation key as HCLAkPub. */
        byte[] akVariableData() {
            RSAPublicKey key = (RSAPublicKey) ak.getPublic();
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            return ("{\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"RSA\",\"e\":\"" + b64.encodeToString(key.getPublicExponent().toByteArray())
                    + "\",\"n\":\"" + b64.encodeToString(key.getModulus().toByteArray()) + "\"}]}").getBytes(StandardCharsets.UTF_8);
        }

        /** The real evidence with {@code variableData} in its HCL report, vouched for by the re-signed SNP report. */
        byte[] evidence(byte[] variableData, byte[] message) throws Exception {
            byte[] hcl = Arrays.copyOf(hcl(), VAR_DATA + variableData.length);
            ByteBuffer.wrap(hcl).order(ByteOrder.LITTLE_ENDIAN).putInt(VAR_SIZE, variableData.length);
            System.arraycopy(variableData, 0, hcl, VAR_DATA, variableData.length);
            byte[] report = Arrays.copyOfRange(hcl, 0x20, 0x20 + 1184);
            System.arraycopy(MessageDigest.getInstance("SHA-256").digest(variableData), 0, report, 0x50, 32);
            signReport(report, vcekKey.getPrivate());
            System.arraycopy(report, 0, hcl, 0x20, report.length);

            ObjectNode e = withHcl(AzureCvmRejectionsTest.evidence(), hcl);
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(ak.getPrivate());
            rsa.update(message);
            ((ObjectNode) e.path("tpm_quote")).put("message", HexFormat.of().formatHex(message));
            ((ObjectNode) e.path("tpm_quote")).put("signature", HexFormat.of().formatHex(rsa.sign()));
            return AzureCvmRejectionsTest.bytes(e);
        }

        /** ECDSA P-384 over bytes 0x000-0x29F; R and S little-endian in 72-byte fields at 0x2A0 and 0x2E8. */
        private static void signReport(byte[] report, PrivateKey key) throws Exception {
            Signature ecdsa = Signature.getInstance("SHA384withECDSAinP1363Format");
            ecdsa.initSign(key);
            ecdsa.update(report, 0, 0x2A0);
            byte[] rs = ecdsa.sign();
            Arrays.fill(report, 0x2A0, 0x2A0 + 144, (byte) 0);
            for (int i = 0; i < 48; i++) {
                report[0x2A0 + i] = rs[47 - i];
                report[0x2E8 + i] = rs[95 - i];
            }
        }
    }
}
