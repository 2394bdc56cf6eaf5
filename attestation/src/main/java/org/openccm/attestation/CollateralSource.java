// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import org.openccm.attestation.dcap.DcapCollateral;
import org.openccm.attestation.dcap.PckRequest;
import org.openccm.attestation.snp.AmdProduct;
import org.openccm.attestation.snp.SnpReport;

/**
 * Where a verifier gets the vendor collateral that evidence does not carry: Intel's TCB info, QE identity and CRLs
 * for a DCAP quote, AMD's VCEK and CRL for an SEV-SNP report. What is returned is still verified against the vendor roots,
 * so a source is trusted for availability only, never for correctness.
 */
public interface CollateralSource {
    /**
     * Intel's collateral for the platform whose PCK certificate names this FMSPC; {@code tdx} for TD quotes;
     * {@code pckCa} is {@code processor} or {@code platform} (which PCK CA issued the PCK: which CRL applies);
     * {@code now} is the verification instant (collateral must be current then).
     */
    Optional<DcapCollateral> intel(String fmspc, boolean tdx, String pckCa, Instant now) throws EvidenceRejected;

    /**
     * The PCK certificate chain (PEM: PCK, its CA, the root) of the platform a quote without it names by its encrypted
     * PPID, CPUSVN, PCESVN and PCE ID (certification data type 2 or 3).
     */
    default Optional<byte[]> intelPckCertificate(PckRequest request, Instant now) throws EvidenceRejected {
        return Optional.empty();
    }

    /** The VCEK (DER or PEM) of the chip that signed this report, at its reported TCB. */
    Optional<byte[]> amdVcek(SnpReport report, Instant now) throws EvidenceRejected;

    /** AMD's CRL (DER) for this product, as the KDS serves it at {@code /vcek/v1/{product}/crl}. */
    default Optional<byte[]> amdCrl(AmdProduct product, Instant now) throws EvidenceRejected {
        return Optional.empty();
    }

    /** Told of a VCEK that verified a report, so that a source may keep it for the chip's next report. */
    default void verifiedVcek(byte[] chipId, long reportedTcb, X509Certificate vcek) {}

    /** A source that has nothing: evidence must then carry all it needs. */
    CollateralSource NONE = new CollateralSource() {
        @Override
        public Optional<DcapCollateral> intel(String fmspc, boolean tdx, String pckCa, Instant now) {
            return Optional.empty();
        }

        @Override
        public Optional<byte[]> amdVcek(SnpReport report, Instant now) {
            return Optional.empty();
        }
    };
}
