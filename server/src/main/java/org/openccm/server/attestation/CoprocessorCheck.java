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
import org.springframework.stereotype.Component;

/**
 * An image's coprocessors, as the guide defines them. Ignored: the workload must bring GPU attestation data, which
 * is not validated. Required: the GPU report must verify (device chain to NVIDIA's root, FWID, signature), answer the
 * workload's nonce when one is bound, and its measurements must equal the golden values of NVIDIA-signed driver and
 * VBIOS RIMs for the versions it reports. NVIDIA's RIM service is not reachable from OpenCCM, so the workload brings
 * the RIMs; their signatures make them as good as fetched.
 */
@Component
public class CoprocessorCheck {
    private final NvidiaGpuVerifier gpu = NvidiaGpuVerifier.withNvidiaRoot();
    private final RimVerifier rims = RimVerifier.withNvidiaRoot();

    /** GPU evidence as sent: the SPDM report (hex or base64), the device chain (PEM), the RIMs (SWID XML). */
    public record GpuEvidence(byte[] report, byte[] certificateChain, List<String> rims) {}

    /** @param nonce what the GPU report's request nonce must be (SHA-256 of the CSR key), or null when not issuing */
    public void check(Build b, ReferenceValues values, GpuEvidence evidence, byte[] nonce, Instant now) throws EvidenceRejected {
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
        if (evidence.rims() == null || evidence.rims().size() != 2) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "gpu.rims",
                    "the driver and VBIOS RIMs for driver " + report.driverVersion() + " and VBIOS " + report.vbiosVersion() + " are required");
        }
        List<Rim> verified = new ArrayList<>();
        for (int i = 0; i < evidence.rims().size(); i++) {
            verified.add(rims.verify(evidence.rims().get(i).getBytes(StandardCharsets.UTF_8), context));
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
}
