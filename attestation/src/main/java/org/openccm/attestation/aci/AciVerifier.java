// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.aci;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.EvidenceVerifier;
import org.openccm.attestation.Hex;
import org.openccm.attestation.Measurement;
import org.openccm.attestation.VerifiedEvidence;
import org.openccm.attestation.Platform;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.snp.SnpAttestation;
import org.openccm.attestation.snp.SnpReport;
import org.openccm.attestation.snp.SnpReportParser;
import org.openccm.attestation.snp.SnpVerifier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies the evidence of an ACI confidential container group. The document is JSON with the files ACI gives a
 * container in its security-context directory: {@code snp_report} (base64 of the SEV-SNP report the group's
 * UVM obtained), {@code reference_info} (the contents of reference-info-base64: the UVM endorsement) and
 * {@code host_amd_cert} (the contents of host-amd-cert-base64: the host's VCEK and chain as THIM serves them; a
 * VCEK given with the request takes its place).
 *
 * <p>What it proves: the report is signed by a genuine AMD chip (SEV-SNP verification in full), the guest it
 * measured is a UVM Microsoft endorsed (launch measurement equal to the endorsed one), so
 * that the HOST_DATA the report carries is the SHA-256 of the policy that UVM enforces on the containers. Matching
 * HOST_DATA to an approved policy is the caller's step. The endorsement's guest SVN is the UVM feed's version, not
 * the report's GUEST_SVN (the real sample has 22 and 2), so it is reported, not compared; a minimum UVM SVN would
 * be a policy of its own.
 */
public final class AciVerifier implements EvidenceVerifier {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final SnpVerifier snp;
    private final UvmEndorsementVerifier uvm;

    public AciVerifier(SnpVerifier snp, UvmEndorsementVerifier uvm) {
        this.snp = snp;
        this.uvm = uvm;
    }

    @Override
    public Platform platform() {
        return Platform.ACI;
    }

    /** The group's report binds a key as any SEV-SNP report does: in REPORT_DATA. */
    @Override
    public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceRejected {
        AciAttestation a = verifyGroup(evidence, context);
        boolean bound = context.checkBinding(a.snp().report().reportData(), "REPORT_DATA");
        UvmEndorsement uvm = a.uvm();
        return new VerifiedEvidence(
                new Measurement.Aci(SnpVerifier.measurement(a.snp()), uvm.launchMeasurement(), uvm.guestSvn(), uvm.issuer()), bound,
                a.snp().collateralWarnings());
    }

    public AciAttestation verifyGroup(Evidence evidence, VerificationContext context) throws EvidenceRejected {
        JsonNode document;
        try {
            document = JSON.readTree(evidence.document());
        } catch (JacksonException e) {
            throw new EvidenceRejected(Reason.MALFORMED, "evidence", "not the ACI evidence JSON {snp_report, reference_info, host_amd_cert}");
        }
        if (!document.isObject()) {
            throw new EvidenceRejected(Reason.MALFORMED, "evidence", "not a JSON object");
        }
        byte[] report = base64(document, "snp_report");
        byte[] endorsement = base64(document, "reference_info");
        byte[] vcek = evidence.signingCertificate() != null ? evidence.signingCertificate() : hostVcek(document);

        UvmEndorsement endorsed = uvm.verify(endorsement, context);
        SnpReport parsed = SnpReportParser.parse(report);
        String measured = Hex.of(parsed.measurement());
        if (!measured.equals(endorsed.launchMeasurement())) {
            throw new EvidenceRejected(Reason.BINDING, "snp_report.measurement",
                    "the report measured " + measured + ", not the endorsed UVM " + endorsed.launchMeasurement());
        }
        SnpAttestation verified = snp.verify(report, vcek, context);
        return new AciAttestation(verified, endorsed);
    }

    private static byte[] hostVcek(JsonNode document) throws EvidenceRejected {
        JsonNode thim;
        try {
            thim = JSON.readTree(base64(document, "host_amd_cert"));
        } catch (JacksonException e) {
            throw new EvidenceRejected(Reason.MALFORMED, "host_amd_cert", "not THIM's JSON {vcekCert, certificateChain, tcbm}");
        }
        String pem = thim.path("vcekCert").asString("");
        if (pem.isBlank()) {
            throw new EvidenceRejected(Reason.CHAIN, "host_amd_cert.vcekCert", "required: the VCEK that signed the report");
        }
        return pem.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] base64(JsonNode document, String field) throws EvidenceRejected {
        String text = document.path(field).asString("");
        if (text.isBlank()) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "required");
        }
        try {
            return Base64.getMimeDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "not base64");
        }
    }
}
