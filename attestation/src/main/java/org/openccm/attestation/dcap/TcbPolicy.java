// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.util.List;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.Measurement;

/**
 * The TCB statuses an operator accepts for a DCAP-attested platform, its quoting enclave and (TDX) its TDX module.
 * Intel's verdict is reported by {@link DcapVerifier}; whether OutOfDate or SWHardeningNeeded may still get a
 * certificate is this policy's decision, applied by every verifier that relies on a DCAP quote.
 */
public record TcbPolicy(List<String> accepted) {
    /** Up to date, or needing only software hardening (which the workload's own build addresses). */
    public static final TcbPolicy DEFAULT = new TcbPolicy(List.of("UpToDate", "SWHardeningNeeded"));

    /** Where an operator sets it; named in refusals so that one knows what to change. */
    public static final String SETTING = "openccm.attestation.dcap.accepted-tcb-statuses";

    public TcbPolicy {
        accepted = List.copyOf(accepted);
    }

    public void check(DcapAttestation a) throws EvidenceRejected {
        check("tcb_status", a.tcbStatus(), a);
        check("qe_tcb_status", a.qeTcbStatus(), a);
        check("tdx_module_tcb_status", a.tdxModuleTcbStatus(), a);
    }

    private void check(String field, String status, DcapAttestation a) throws EvidenceRejected {
        if (status != null && !accepted.contains(status)) {
            throw new EvidenceRejected(Reason.TCB, field, status
                    + (a.advisoryIds().isEmpty() ? "" : " (" + String.join(", ", a.advisoryIds()) + ")")
                    + " is not an accepted TCB status (" + String.join(", ", accepted) + "; " + SETTING + ")");
        }
    }

    /** Intel's verdict on a verified quote, as measurements report it. */
    public static Measurement.DcapStatus status(DcapAttestation a) {
        return new Measurement.DcapStatus(a.fmspc(), a.tcbStatus(), a.qeTcbStatus(), a.advisoryIds());
    }
}
