// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.sgx;

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
import org.openccm.attestation.dcap.EnclaveReport;
import org.openccm.attestation.dcap.TcbPolicy;

/**
 * An SGX enclave's DCAP quote: verified by {@link DcapVerifier}, at a TCB status the operator accepts, and binding
 * the key in the enclave's REPORTDATA.
 */
public final class SgxVerifier implements EvidenceVerifier {
    private final DcapVerifier dcap;
    private final TcbPolicy policy;

    public SgxVerifier(DcapVerifier dcap, TcbPolicy policy) {
        this.dcap = dcap;
        this.policy = policy;
    }

    @Override
    public Platform platform() {
        return Platform.SGX;
    }

    @Override
    public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceRejected {
        DcapAttestation a = dcap.verify(evidence.document(), evidence.collateral(), context, "SGX");
        EnclaveReport enclave = a.enclave();
        if (enclave == null) {
            throw new EvidenceRejected(Reason.MALFORMED, "evidence", "the quote is a TDX quote, not SGX");
        }
        policy.check(a);
        boolean bound = context.checkBinding(enclave.reportData(), "REPORTDATA");
        return new VerifiedEvidence(new Measurement.Sgx(
                Hex.of(enclave.mrEnclave()), Hex.of(enclave.mrSigner()), enclave.isvProdId(), enclave.isvSvn(),
                Hex.of(enclave.reportData()), TcbPolicy.status(a)), bound, a.collateralWarnings());
    }
}
