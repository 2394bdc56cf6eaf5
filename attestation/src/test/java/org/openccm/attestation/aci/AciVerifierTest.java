// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.aci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.Hex;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.snp.SnpVerifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Real ACI evidence from microsoft/confidential-sidecar-containers (csc-aci-evidence-2023): a Milan SEV-SNP
 * report, the host's VCEK from THIM and Microsoft's UVM endorsement, verified at the sample's clock; and the
 * rejections: a flipped byte anywhere signed, an untrusted issuer, a report of another UVM.
 */
class AciVerifierTest {
    private static final VerificationContext JUNE_2023 = VerificationContext.at(Instant.parse("2023-06-01T00:00:00Z"));
    private static final String DIR = "aci-policy/csc-aci-evidence-2023/";
    private final AciVerifier verifier = new AciVerifier(SnpVerifier.withAmdRoots(), UvmEndorsementVerifier.microsoft());

    @Test
    void verifiesTheRealEvidenceAndItsPolicyBinding() throws Exception {
        AciAttestation a = verifier.verifyGroup(Evidence.of(evidence(report(), endorsement())), JUNE_2023);

        assertThat(a.uvm().launchMeasurement()).isEqualTo(
                "51068107cdc7ee3d89c7821b05bca6147eb77b2005ae759050fc049b65a1b0beabc65a9d857acecf23225f5ec76849f5");
        assertThat(a.uvm().guestSvn()).isEqualTo(22);
        assertThat(a.uvm().signingTime()).isEqualTo(Instant.parse("2023-02-08T05:42:23Z"));
        assertThat(Hex.of(a.snp().report().measurement())).isEqualTo(a.uvm().launchMeasurement());
        // HOST_DATA is the SHA-256 of the policy the sidecar ran under: what an approved ACI image is matched by.
        byte[] policy = Base64.getDecoder().decode(TestVectors.text(DIR + "security-policy.base64").trim());
        assertThat(Hex.of(a.snp().report().hostData())).isEqualTo(Hex.of(java.security.MessageDigest.getInstance("SHA-256").digest(policy)));
    }

    @Test
    void aFlippedPayloadByteBreaksTheEndorsementSignature() throws Exception {
        byte[] cose = endorsement();
        int at = org.openccm.attestation.RejectionSupport.indexOf(cose, "x-ms-sevsnpvm-guestsvn\": \"22".getBytes(StandardCharsets.US_ASCII)) + 27;
        cose[at] = '3'; // "22" -> "23": a higher endorsed SVN
        assertThatThrownBy(() -> verifier.verifyGroup(Evidence.of(evidence(report(), cose)), JUNE_2023))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(EvidenceRejected.Reason.SIGNATURE);
                    assertThat(e.field()).isEqualTo("reference_info.signature");
                });
    }

    @Test
    void aFlippedReportByteBreaksTheReportSignature() throws Exception {
        byte[] report = report();
        report[0x50] ^= 1; // REPORT_DATA
        assertThatThrownBy(() -> verifier.verifyGroup(Evidence.of(evidence(report, endorsement())), JUNE_2023))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(EvidenceRejected.Reason.SIGNATURE));
    }

    @Test
    void anIssuerNotTrustedIsRefused() throws Exception {
        AciVerifier other = new AciVerifier(SnpVerifier.withAmdRoots(), new UvmEndorsementVerifier(
                List.of("did:x509:0:sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA::eku:1.3.6.1.4.1.311.76.59.1.2")));
        assertThatThrownBy(() -> other.verifyGroup(Evidence.of(evidence(report(), endorsement())), JUNE_2023))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(EvidenceRejected.Reason.WRONG_ROOT));
    }

    @Test
    void theEndorsementHasExpiredAYearLater() throws Exception {
        assertThatThrownBy(() -> verifier.verifyGroup(Evidence.of(evidence(report(), endorsement())),
                        VerificationContext.at(Instant.parse("2024-06-01T00:00:00Z"))))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(EvidenceRejected.Reason.EXPIRED));
    }

    @Test
    void aReportOfAnotherUvmDoesNotMatchTheEndorsement() throws Exception {
        // The security-context sample's endorsement is genuine, but of another UVM build than these reports measured.
        byte[] cose = Base64.getMimeDecoder().decode(TestVectors.text("aci-policy/csc-security-context-2023/reference-info-base64").trim());
        byte[] report = TestVectors.bytes("sev-snp/msft-tav-milan-aci-report.bin");
        assertThatThrownBy(() -> verifier.verifyGroup(Evidence.of(evidence(report, cose)), JUNE_2023))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(EvidenceRejected.Reason.BINDING);
                    assertThat(e.field()).isEqualTo("snp_report.measurement");
                });
    }

    @Test
    void evidenceThatIsNotTheAciDocumentIsMalformed() {
        assertThatThrownBy(() -> verifier.verifyGroup(Evidence.of("{\"snp_report\":\"AAAA\"}".getBytes(StandardCharsets.US_ASCII)), JUNE_2023))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("reference_info"));
    }

    static byte[] evidence(byte[] report, byte[] cose) throws Exception {
        ObjectNode doc = JsonMapper.builder().build().createObjectNode();
        doc.put("snp_report", Base64.getEncoder().encodeToString(report));
        doc.put("reference_info", Base64.getEncoder().encodeToString(cose));
        doc.put("host_amd_cert", Base64.getEncoder().encodeToString(TestVectors.bytes(DIR + "host-amd-cert.json")));
        return doc.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] report() throws Exception {
        return TestVectors.bytes(DIR + "snp_report.bin");
    }

    private static byte[] endorsement() throws Exception {
        return TestVectors.bytes(DIR + "uvm-reference-info.cose");
    }
}
