// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.ReferenceValues;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.gpu.GpuAttestation;
import org.openccm.attestation.gpu.NvidiaGpuVerifier;
import org.openccm.attestation.gpu.Rim;
import org.openccm.attestation.gpu.RimVerifier;
import org.openccm.server.build.Build;
import org.openccm.server.collateral.NvidiaOcsp;
import org.openccm.server.collateral.VendorCollateral;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * An image's coprocessors, as the guide defines them. Ignored: the workload must bring GPU attestation data, which
 * is not validated. Required: the GPU report must verify (device chain to NVIDIA's root, FWID, signature), answer the
 * workload's nonce when one is bound, and its measurements must equal the golden values of NVIDIA-signed driver and
 * VBIOS RIMs for the versions it reports. The workload may bring the RIMs; otherwise they are fetched from NVIDIA's
 * RIM service by the ids the report names (and cached). Their signatures make them as good either way. The device
 * chain's intermediates and the RIMs' signing chains are checked with NVIDIA's OCSP responder; when it cannot answer,
 * the NVIDIA revocation policy decides (fail-closed refuses, fail-open says so in the warnings).
 */
@Component
public class CoprocessorCheck {
    private final NvidiaGpuVerifier gpu = NvidiaGpuVerifier.withNvidiaRoot();
    private final RimVerifier rims = RimVerifier.withNvidiaRoot();
    private final VendorCollateral collateral;
    private final boolean revocationFailOpen;

    CoprocessorCheck(VendorCollateral collateral, @Value("${openccm.collateral.nvidia.revocation:fail-closed}") String revocation) {
        if (!revocation.equals("fail-closed") && !revocation.equals("fail-open")) {
            throw new IllegalStateException("openccm.collateral.nvidia.revocation must be fail-closed or fail-open, not " + revocation);
        }
        this.collateral = collateral;
        this.revocationFailOpen = revocation.equals("fail-open");
    }

    /** GPU evidence as sent: the SPDM report (hex or base64), the device chain (PEM), the RIMs (SWID XML) if brought. */
    public record GpuEvidence(byte[] report, byte[] certificateChain, List<String> rims) {}

    /**
     * @param nonce what the GPU report's request nonce must be (SHA-256 of the CSR key), or null when not issuing
     * @param warnings receives what was accepted only by policy (OCSP unanswered under fail-open), also when the check
     *     then refuses for another reason
     */
    public void check(Build b, ReferenceValues values, GpuEvidence evidence, byte[] nonce, Instant now, List<String> warnings)
            throws EvidenceRejected {
        List<ReferenceValues.Coprocessor> coprocessors = values.coprocessors();
        if (coprocessors.isEmpty()) {
            return;
        }
        if (evidence == null || evidence.report() == null || evidence.report().length == 0) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "gpu.evidence",
                    "image " + b.id() + " runs with an NVIDIA GPU: its attestation data must come with the evidence");
        }
        boolean required = coprocessors.stream().anyMatch(ReferenceValues.Coprocessor::attestationRequired);
        if (!required) {
            return; // Ignored: present is enough, by definition
        }
        if (evidence.certificateChain() == null) {
            throw new EvidenceRejected(Reason.CHAIN, "gpu.certificate_chain", "required to verify the GPU's report");
        }
        VerificationContext context = VerificationContext.at(now);
        GpuAttestation report = gpu.verify(evidence.report(), evidence.certificateChain(), nonce, context);
        // As NVIDIA's verifiers: the device chain's leaf (the GPU's own key, per boot) and root are not asked about.
        List<java.security.cert.X509Certificate> device = report.certificateChain();
        for (int i = 1; i < device.size() - 1; i++) {
            revocation(device, i, "gpu.certificate_chain[" + i + "]", warnings);
        }
        List<Rim> verified = new ArrayList<>();
        if (evidence.rims() != null && !evidence.rims().isEmpty()) {
            if (evidence.rims().size() != 2) {
                throw new EvidenceRejected(Reason.MEASUREMENT, "gpu.rims", "brings " + evidence.rims().size()
                        + " RIMs: the driver's and the VBIOS's, or none (OpenCCM then fetches them from NVIDIA's RIM service)");
            }
            for (int i = 0; i < evidence.rims().size(); i++) {
                verified.add(rims.verify(evidence.rims().get(i).getBytes(StandardCharsets.UTF_8), context));
            }
        } else {
            List<String> missing = new ArrayList<>();
            for (String id : List.of(report.driverRimId(), report.vbiosRimId())) {
                fetched(id, now, context).ifPresentOrElse(verified::add, () -> missing.add(id));
            }
            if (!missing.isEmpty()) {
                throw new EvidenceRejected(Reason.MEASUREMENT, "gpu.rims", "the RIMs " + missing + " of driver " + report.driverVersion()
                        + " and VBIOS " + report.vbiosVersion() + " are neither in the evidence nor to be had from NVIDIA's RIM service");
            }
        }
        for (Rim rim : verified) {
            for (int i = 0; i < rim.chain().size() - 1; i++) {
                revocation(rim.chain(), i, "rim " + rim.colloquialVersion() + " certificate[" + i + "]", warnings);
            }
        }
        boolean driver = verified.stream().anyMatch(r -> report.driverVersion() != null && report.driverVersion().equalsIgnoreCase(r.colloquialVersion()));
        boolean vbios = verified.stream().anyMatch(r -> report.vbiosVersion() != null && report.vbiosVersion().equalsIgnoreCase(r.colloquialVersion()));
        if (!driver || !vbios) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "gpu.rims", "the RIMs are for " + verified.stream().map(Rim::colloquialVersion).toList()
                    + ", the GPU runs driver " + report.driverVersion() + " and VBIOS " + report.vbiosVersion());
        }
        List<Integer> differ = RimVerifier.mismatches(report, verified);
        if (!differ.isEmpty()) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "gpu.measurements", "the GPU's measurements " + differ + " are not the RIMs' golden values");
        }
    }

    private java.util.Optional<Rim> fetched(String id, Instant now, VerificationContext context) throws EvidenceRejected {
        java.util.Optional<byte[]> xml = collateral.nvidiaRim(id, now);
        if (xml.isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(rims.verify(xml.get(), context));
        } catch (EvidenceRejected e) {
            throw new EvidenceRejected(e.reason(), "gpu.rims", "NVIDIA's RIM " + id + " does not verify: " + e.getMessage());
        }
    }

    private void revocation(List<java.security.cert.X509Certificate> chain, int index, String field, List<String> warnings) throws EvidenceRejected {
        try {
            collateral.nvidiaOcsp().check(chain, index, field);
        } catch (NvidiaOcsp.Unavailable e) {
            if (!revocationFailOpen) {
                throw new EvidenceRejected(Reason.CHAIN, field + ".ocsp", "NVIDIA's OCSP responder gave no answer, so revocation cannot be checked"
                        + " (revocation policy: fail-closed): " + e.getMessage());
            }
            warnings.add("revocation not checked: " + field + ": " + e.getMessage() + " (revocation policy: fail-open)");
        }
    }
}
