// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.snp;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A verified SEV-SNP report, the product that signed it, and whether a VCEK or a VLEK did; {@code collateralWarnings}
 * says what was not as good as it should be but accepted by policy (AMD's CRL unobtainable under fail-open, or used
 * past its nextUpdate within the grace period).
 */
public record SnpAttestation(
        SnpReport report, AmdProduct product, boolean vlek, TcbVersion reportedTcb, X509Certificate signingCertificate,
        List<String> collateralWarnings) {
    public SnpAttestation {
        collateralWarnings = List.copyOf(collateralWarnings);
    }
}
