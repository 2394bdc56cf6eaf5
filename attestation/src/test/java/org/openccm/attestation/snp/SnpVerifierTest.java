// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.Hex;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.x509.CertificateChains;

/** The real SEV-SNP reports of testdata/sev-snp, each at the clock SOURCES.md records for it. */
class SnpVerifierTest {
    private static final SnpVerifier VERIFIER = SnpVerifier.withAmdRoots();
    private static final VerificationContext JAN_2024 = VerificationContext.at(Instant.parse("2024-01-01T00:00:00Z"));
    private static final VerificationContext MAR_2026 = VerificationContext.at(Instant.parse("2026-03-01T00:00:00Z"));

    @Test
    void verifiesTheGoSevGuestMilanReportWhoseDebugPolicyIsAllowedForTheTest() throws EvidenceRejected {
        SnpAttestation a =
                verify("gosevguest-milan-attestation.bin", "gosevguest-milan-vcek.der", JAN_2024.allowingDebug());

        assertThat(a.report().debugAllowed()).isTrue();
        assertThat(a.product()).isEqualTo(AmdProduct.MILAN);
        assertThat(a.vlek()).isFalse();
        assertThat(a.report().version()).isEqualTo(2);
        assertThat(a.report().policy()).isEqualTo(0x0b0000L);
        assertThat(a.report().vmpl()).isZero();
        assertThat(Hex.of(a.report().measurement()))
                .isEqualTo("b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01");
        assertThat(Hex.of(a.report().reportData())).isEqualTo("0102030405" + "0".repeat(118));
        assertThat(a.reportedTcb().bootLoader()).isEqualTo(2);
        assertThat(a.reportedTcb().tee()).isZero();
        assertThat(a.reportedTcb().snp()).isEqualTo(5);
        assertThat(a.reportedTcb().microcode()).isEqualTo(68);
        assertThat(Hex.of(a.report().chipId())).startsWith("3ac3fe21e13fb099");
    }

    @Test
    void verifiesTheMilanReportWithAnIdBlock() throws EvidenceRejected {
        SnpAttestation a = verify("trustee-milan-idblock-report.bin", "trustee-milan-idblock-vcek.der", JAN_2024);

        assertThat(a.report().guestSvn()).isEqualTo(4);
        assertThat(a.report().policy()).isEqualTo(0x3001fL);
        assertThat(Hex.of(a.report().measurement())).startsWith("a1f3930413247bb3").endsWith("50d3d38c");
        assertThat(Hex.of(a.report().idKeyDigest())).startsWith("0356215882a82527");
        assertThat(a.reportedTcb().bootLoader()).isEqualTo(3);
        assertThat(a.reportedTcb().snp()).isEqualTo(8);
        assertThat(a.reportedTcb().microcode()).isEqualTo(115);
    }

    @Test
    void verifiesTheAwsVlekReport() throws EvidenceRejected {
        SnpAttestation a = verify(
                "trustee-milan-vlek-aws-report.bin",
                "trustee-milan-vlek-aws.der",
                VerificationContext.at(Instant.parse("2025-06-01T00:00:00Z")));

        assertThat(a.vlek()).isTrue();
        assertThat(a.report().version()).isEqualTo(3);
        assertThat(a.report().vmpl()).isEqualTo(1);
        assertThat(Hex.of(a.report().measurement())).startsWith("8922ebbdd00ec2c5");
        assertThat(a.reportedTcb().snp()).isEqualTo(24);
        assertThat(a.reportedTcb().microcode()).isEqualTo(217);
    }

    @Test
    void verifiesTheAciReportsOfMilanGenoaAndTurin() throws EvidenceRejected {
        SnpAttestation milan = verify("msft-tav-milan-aci-report.bin", "msft-tav-milan-vcek.pem", MAR_2026);
        SnpAttestation genoa = verify("msft-tav-genoa-aci-report.bin", "msft-tav-genoa-vcek.pem", MAR_2026);
        SnpAttestation turin = verify("msft-tav-turin-aci-report.bin", "msft-tav-turin-vcek.pem", MAR_2026);

        assertThat(milan.product()).isEqualTo(AmdProduct.MILAN);
        assertThat(Hex.of(milan.report().hostData()))
                .isEqualTo("4f4448c67f3c8dfc8de8a5e37125d807dadcc41f06cf23f615dbd52eec777d10");
        assertThat(Hex.of(milan.report().measurement())).startsWith("5feee30d6d7e1a29");
        assertThat(genoa.product()).isEqualTo(AmdProduct.GENOA);
        assertThat(genoa.reportedTcb().bootLoader()).isEqualTo(10);
        assertThat(genoa.reportedTcb().snp()).isEqualTo(23);
        assertThat(genoa.reportedTcb().microcode()).isEqualTo(84);
        assertThat(turin.product()).isEqualTo(AmdProduct.TURIN);
        assertThat(turin.report().version()).isEqualTo(5);
        assertThat(turin.reportedTcb().fmc()).isEqualTo(1);
        assertThat(turin.reportedTcb().bootLoader()).isEqualTo(1);
        assertThat(turin.reportedTcb().tee()).isEqualTo(1);
        assertThat(turin.reportedTcb().snp()).isEqualTo(4);
        assertThat(turin.reportedTcb().microcode()).isEqualTo(81);
        assertThat(Hex.of(turin.report().hostData())).startsWith("b3452a0ed30f1010");
    }

    @Test
    void verifiesTheSnpReportsInsideTheAzureAndAciEvidence() throws Exception {
        SnpAttestation genoaCvm = VERIFIER.verify(
                TestVectors.bytes("azure-cvm/derived/genoa-snp-report.bin"),
                TestVectors.bytes("azure-cvm/derived/genoa-vcek.pem"),
                MAR_2026);
        SnpAttestation milanCvm = VERIFIER.verify(
                TestVectors.bytes("azure-cvm/derived/milan-v1-snp-report.bin"),
                TestVectors.bytes("azure-cvm/derived/milan-v1-vcek.der"),
                VerificationContext.at(Instant.parse("2025-06-01T00:00:00Z")));
        String vcek = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(TestVectors.text("aci-policy/csc-aci-evidence-2023/host-amd-cert.json"))
                .path("vcekCert")
                .asString();
        SnpAttestation aci = VERIFIER.verify(
                TestVectors.bytes("aci-policy/csc-aci-evidence-2023/snp_report.bin"),
                vcek.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                VerificationContext.at(Instant.parse("2023-06-01T00:00:00Z")));

        assertThat(genoaCvm.product()).isEqualTo(AmdProduct.GENOA);
        assertThat(Hex.of(genoaCvm.report().measurement())).startsWith("f57dc09a507c6ecd82");
        assertThat(milanCvm.product()).isEqualTo(AmdProduct.MILAN);
        assertThat(Hex.of(milanCvm.report().measurement()))
                .isEqualTo("6a063be9dd79f6371c842e480f8dc3b5c725961344e57130e88c5adf49e8f7f6c79b75a5eb77fc769959f4aeb2f9401e");
        assertThat(Hex.of(milanCvm.report().reportData()))
                .startsWith("af2910341dd8108360e485f1b72494255190b9cdd5ccb44b73b883037cf99f21");
        assertThat(milanCvm.reportedTcb().microcode()).isEqualTo(219);
        assertThat(Hex.of(aci.report().hostData()))
                .isEqualTo("cadd74f71ebb8fbf9782baab649612520f3c416bc5ce9ac768808ddc8d9b031c");
        assertThat(Hex.of(aci.report().measurement()))
                .isEqualTo("51068107cdc7ee3d89c7821b05bca6147eb77b2005ae759050fc049b65a1b0beabc65a9d857acecf23225f5ec76849f5");
        assertThat(aci.report().version()).isEqualTo(2);
    }

    @ParameterizedTest(name = "flipping byte 0x{0} ({1}) breaks the signature")
    @CsvSource({"090, MEASUREMENT", "050, REPORT_DATA", "0c0, HOST_DATA", "030, VMPL", "008, POLICY", "2a0, SIGNATURE R"})
    void refusesAFlippedByteInTheSignedReport(String offset, String field) {
        byte[] report = TestVectors.bytes("sev-snp/msft-tav-milan-aci-report.bin");
        report[Integer.parseInt(offset, 16)] ^= 0x01;

        assertThatThrownBy(() -> VERIFIER.verify(report, TestVectors.bytes("sev-snp/msft-tav-milan-vcek.pem"), MAR_2026))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).as(field + ": " + e.getMessage()).isEqualTo(Reason.SIGNATURE);
                    assertThat(e.getMessage()).contains("does not verify with the VCEK");
                });
    }

    @Test
    void refusesAGuestPolicyThatAllowsDebuggingByDefault() {
        assertRejected("gosevguest-milan-attestation.bin", "gosevguest-milan-vcek.der", JAN_2024, Reason.DEBUG, "POLICY");
    }

    @Test
    void refusesAClockPastTheVceksNotAfter() {
        assertRejected(
                "gosevguest-milan-attestation.bin",
                "gosevguest-milan-vcek.der",
                VerificationContext.at(Instant.parse("2029-09-25T00:00:00Z")),
                Reason.EXPIRED,
                "VCEK");
    }

    @Test
    void refusesAVcekOfAnotherChip() {
        assertRejected(
                "gosevguest-milan-attestation.bin",
                "trustee-milan-idblock-vcek.der",
                JAN_2024.allowingDebug(),
                Reason.BINDING,
                "CHIP_ID");
    }

    @Test
    void refusesAChainToAnotherProductsRoot() throws EvidenceRejected {
        Map<AmdProduct, SnpVerifier.AmdCertificates> swapped = new EnumMap<>(AmdProduct.class);
        swapped.put(AmdProduct.MILAN, SnpVerifier.certificates(
                AmdProduct.GENOA, CertificateChains.parseAll("genoa", TestVectors.bytes("sev-snp/amd-genoa-ask-ark-asvk.pem"))));
        SnpVerifier wrongRoot = new SnpVerifier(swapped);

        assertThatThrownBy(() -> wrongRoot.verify(
                        TestVectors.bytes("sev-snp/gosevguest-milan-attestation.bin"),
                        TestVectors.bytes("sev-snp/gosevguest-milan-vcek.der"),
                        JAN_2024))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CHAIN);
                    assertThat(e.field()).isEqualTo("VCEK");
                });
    }

    @Test
    void refusesAReportedTcbTheVcekWasNotIssuedFor() {
        byte[] report = TestVectors.bytes("sev-snp/gosevguest-milan-attestation.bin");
        report[0x180 + 6] = 6; // SNP SPL of REPORTED_TCB: 5 -> 6

        assertThatThrownBy(() -> VERIFIER.verify(
                        report, TestVectors.bytes("sev-snp/gosevguest-milan-vcek.der"), JAN_2024.allowingDebug()))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TCB);
                    assertThat(e.getMessage()).contains("snpSPL is 6 in the report but 5");
                });
    }

    @Test
    void refusesATruncatedReportAndAnUnknownVersion() {
        byte[] truncated = java.util.Arrays.copyOf(TestVectors.bytes("sev-snp/gosevguest-milan-attestation.bin"), 1000);
        byte[] version9 = TestVectors.bytes("sev-snp/gosevguest-milan-attestation.bin");
        version9[0] = 9;

        assertThatThrownBy(() -> SnpReportParser.parse(truncated))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
        assertThatThrownBy(() -> SnpReportParser.parse(version9))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("VERSION"));
    }

    private static SnpAttestation verify(String report, String vcek, VerificationContext context) throws EvidenceRejected {
        return VERIFIER.verify(TestVectors.bytes("sev-snp/" + report), TestVectors.bytes("sev-snp/" + vcek), context);
    }

    private static void assertRejected(String report, String vcek, VerificationContext context, Reason reason, String field) {
        assertThatThrownBy(() -> verify(report, vcek, context))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
                    assertThat(e.field()).isEqualTo(field);
                });
    }
}
