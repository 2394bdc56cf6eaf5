// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

/**
 * What a workload presents: the platform's evidence document; the certificate that signed it when the document does
 * not carry it (the VCEK or VLEK of an SEV-SNP report), DER or PEM; and the vendor collateral it brings (Intel's, for
 * a DCAP quote, in dcap-qvl's JSON). Either may be null: the verifier then asks its context's
 * {@link CollateralSource}.
 */
public record Evidence(byte[] document, byte[] signingCertificate, byte[] collateral) {
    public Evidence(byte[] document, byte[] signingCertificate) {
        this(document, signingCertificate, null);
    }

    public static Evidence of(byte[] document) {
        return new Evidence(document, null, null);
    }
}
