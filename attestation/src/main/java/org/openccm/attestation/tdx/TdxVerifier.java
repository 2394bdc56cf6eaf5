// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.tdx;

import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.EvidenceVerifier;
import org.openccm.attestation.Hex;
import org.openccm.attestation.Measurement;
import org.openccm.attestation.Platform;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.VerifiedEvidence;
import org.openccm.attestation.dcap.DcapAttestation;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.dcap.TcbPolicy;

/**
 * A TD's DCAP quote: verified by {@link DcapVerifier}, with platform, QE and TDX module at TCB statuses the operator
 * accepts, and binding the key in the TD's REPORTDATA.
 */
public final class TdxVerifier implements EvidenceVerifier {
    private final DcapVerifier dcap;
    private final TcbPolicy policy;

    public TdxVerifier(DcapVerifier dcap, TcbPolicy policy) {
        this.dcap = dcap;
        this.policy = policy;
    }

    @Override
    public Platform platform() {
        return Platform.TDX;
    }

    @Override
    public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceRejected {
        DcapAttestation a = dcap.verify(evidence.document(), evidence.collateral(), context, "TDX");
        if (a.td() == null) {
            throw new EvidenceRejected(Reason.MALFORMED, "evidence", "the quote is an SGX quote, not TDX");
        }
        policy.check(a);
        boolean bound = context.checkBinding(a.td().reportData(), "REPORTDATA");
        return new VerifiedEvidence(measurement(a), bound, a.collateralWarnings());
    }

    /** What a verified TD quote measured, in the image API's terms. */
    public static Measurement.Tdx measurement(DcapAttestation a) {
        var td = a.td();
        return new Measurement.Tdx(
                Hex.of(td.mrTd()),
                Hex.of(td.rtmr0()),
                Hex.of(td.rtmr1()),
                Hex.of(td.rtmr2()),
                Hex.of(td.rtmr3()),
                Hex.of(td.mrSeam()),
                Hex.of(td.reportData()),
                TcbPolicy.status(a),
                a.tdxModuleTcbStatus());
    }
}
