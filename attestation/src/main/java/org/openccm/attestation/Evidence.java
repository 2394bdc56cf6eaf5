// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

/**
 * What a workload presents: the platform's evidence document, and the certificate that signed it when the
 * document does not carry it (the VCEK or VLEK of an SEV-SNP report), DER or PEM; null when not needed.
 */
public record Evidence(byte[] document, byte[] signingCertificate) {
    public static Evidence of(byte[] document) {
        return new Evidence(document, null);
    }
}
