// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.snp;

import java.security.cert.X509Certificate;

/** A verified SEV-SNP report, the product that signed it, and whether a VCEK or a VLEK did. */
public record SnpAttestation(
        SnpReport report, AmdProduct product, boolean vlek, TcbVersion reportedTcb, X509Certificate signingCertificate) {}
