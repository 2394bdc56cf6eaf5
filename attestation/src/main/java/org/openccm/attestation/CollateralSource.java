// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.openccm.attestation.dcap.DcapCollateral;

/**
 * Where a verifier gets the vendor collateral that evidence does not carry: Intel's TCB info, QE identity and CRLs
 * for a DCAP quote, AMD's VCEK for an SEV-SNP report. What is returned is still verified against the vendor roots,
 * so a source is trusted for availability only, never for correctness.
 */
public interface CollateralSource {
    /** Intel's collateral for the platform whose PCK certificate names this FMSPC; {@code tdx} for TD quotes. */
    Optional<DcapCollateral> intel(String fmspc, boolean tdx) throws EvidenceRejected;

    /** The VCEK (DER or PEM) of this chip at this reported TCB. */
    Optional<byte[]> amdVcek(byte[] chipId, long reportedTcb) throws EvidenceRejected;

    /** Told of a VCEK that verified a report, so that a source may keep it for the chip's next report. */
    default void verifiedVcek(byte[] chipId, long reportedTcb, X509Certificate vcek) {}

    /** A source that has nothing: evidence must then carry all it needs. */
    CollateralSource NONE = new CollateralSource() {
        @Override
        public Optional<DcapCollateral> intel(String fmspc, boolean tdx) {
            return Optional.empty();
        }

        @Override
        public Optional<byte[]> amdVcek(byte[] chipId, long reportedTcb) {
            return Optional.empty();
        }
    };
}
