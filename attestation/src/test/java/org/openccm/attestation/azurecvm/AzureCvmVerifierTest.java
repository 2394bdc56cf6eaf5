// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.azurecvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.dcap.DcapCollateral;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.dcap.DcapVerifierTest;
import org.openccm.attestation.snp.SnpVerifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Real Azure confidential-VM evidence (trustee's az-snp-vtpm / az-tdx-vtpm samples, SOURCES.md §5): the vTPM PCRs
 * come out as the samples record, vouched for by SNP (Milan, Genoa) and TDX hardware; a changed PCR value, a changed
 * quote and a changed HCL variable data are each refused at their own check.
 */
class AzureCvmVerifierTest {
    private static final VerificationContext JUNE_2025 = VerificationContext.at(Instant.parse("2025-06-01T00:00:00Z"));
    private final AzureCvmVerifier verifier = new AzureCvmVerifier(SnpVerifier.withAmdRoots(), DcapVerifier.withIntelRoot());

    @Test
    void milanV1() throws Exception {
        AzureCvmAttestation a = verifier.verifyVm(TestVectors.bytes("azure-cvm/trustee-az-snp-vtpm-milan-evidence-v1.json"), null, null, JUNE_2025);
        assertThat(a.pcrs()).hasSize(24)
                .containsEntry(0, "e15c44796beabf46abcec7c57e590942041e47497e4ec27571c8b7664f48dced")
                .containsEntry(7, "3b20e022416fdf61d72e4da32b4354781be3de0608116976d28ffdad8c341d2a");
        assertThat(new String(a.nonce(), StandardCharsets.US_ASCII)).isEqualTo("challenge");
        assertThat(a.snp()).isNotNull();
    }

    @Test
    void genoaV0() throws Exception {
        AzureCvmAttestation a = verifier.verifyVm(TestVectors.bytes("azure-cvm/trustee-az-snp-vtpm-genoa-evidence-v0.json"), null, null, JUNE_2025);
        assertThat(a.pcrs()).containsEntry(0, "afd689d0bb1c5f36f023fbaf574135f555a28a10c1f6b938d2a25e70c7783338");
    }

    @Test
    void tdxV1WithIntelsCollateral() throws Exception {
        DcapCollateral c = DcapVerifierTest.pcsCollateral("tdx/collateral-00806f050000-2025-02/", "tcbinfo-tdx-v3-00806f050000.json",
                "qe-identity-td-qe.json", "pck-platform-ca-crl.der");
        AzureCvmAttestation a = verifier.verifyVm(TestVectors.bytes("azure-cvm/trustee-az-tdx-vtpm-evidence-v1.json"), null, c,
                VerificationContext.at(Instant.parse("2025-03-01T00:00:00Z")));
        assertThat(a.pcrs()).containsEntry(0, "782b20b10f55cc46e2142cc2145d548698073e5beb82752c8d7f9279f0d8a273");
        assertThat(a.tdx().tcbStatus()).isEqualTo("OutOfDate");
        assertThat(a.tdx().advisoryIds()).containsExactlyInAnyOrder("INTEL-SA-00960", "INTEL-SA-00982", "INTEL-SA-00986");
    }

    @Test
    void aPcrValueOtherThanQuotedIsRefused() throws Exception {
        ObjectNode e = evidence();
        ArrayNode pcrs = (ArrayNode) e.path("tpm_quote").path("pcrs");
        pcrs.set(0, pcrs.get(1));
        assertThatThrownBy(() -> verifier.verifyVm(e.toString().getBytes(StandardCharsets.UTF_8), null, null, JUNE_2025))
                .isInstanceOfSatisfying(EvidenceRejected.class, ex -> {
                    assertThat(ex.reason()).isEqualTo(Reason.BINDING);
                    assertThat(ex.field()).isEqualTo("tpm_quote.pcrs");
                });
    }

    @Test
    void aChangedQuoteIsRefused() throws Exception {
        ObjectNode e = evidence();
        String message = e.path("tpm_quote").path("message").asString();
        ((ObjectNode) e.path("tpm_quote")).put("message", message.substring(0, message.length() - 2) + (message.endsWith("00") ? "01" : "00"));
        assertThatThrownBy(() -> verifier.verifyVm(e.toString().getBytes(StandardCharsets.UTF_8), null, null, JUNE_2025))
                .isInstanceOfSatisfying(EvidenceRejected.class, ex -> assertThat(ex.field()).isEqualTo("tpm_quote.signature"));
    }

    @Test
    void aKeyTheHardwareDidNotVouchForIsRefused() throws Exception {
        ObjectNode e = evidence();
        byte[] hcl = java.util.Base64.getUrlDecoder().decode(e.path("hcl_report").asString());
        hcl[0x4D4 + 20] ^= 1; // inside the variable data (the key JSON)
        e.put("hcl_report", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(hcl));
        assertThatThrownBy(() -> verifier.verifyVm(e.toString().getBytes(StandardCharsets.UTF_8), null, null, JUNE_2025))
                .isInstanceOfSatisfying(EvidenceRejected.class, ex -> {
                    assertThat(ex.reason()).isEqualTo(Reason.BINDING);
                    assertThat(ex.field()).isEqualTo("hcl_report.variable_data");
                });
    }

    private static ObjectNode evidence() throws Exception {
        return (ObjectNode) JsonMapper.builder().build().readTree(TestVectors.bytes("azure-cvm/trustee-az-snp-vtpm-milan-evidence-v1.json"));
    }
}
