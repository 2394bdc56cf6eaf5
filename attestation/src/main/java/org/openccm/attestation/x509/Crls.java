// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;

/** Vendor CRLs (Intel's PCK and root CA CRLs, AMD's ARK CRLs): read, and checked as signed and current. */
public final class Crls {
    private Crls() {}

    /** A DER CRL, or a refusal naming {@code field}. */
    public static X509CRL parse(byte[] der, String field) throws EvidenceRejected {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "not a DER X.509 CRL");
        }
    }

    /**
     * The CRL is signed by {@code issuer} and current at {@code now}; past its nextUpdate but within {@code grace}, it
     * is accepted and that is added to {@code warnings}.
     */
    public static void verify(X509CRL crl, X509Certificate issuer, String field, Instant now, Duration grace, List<String> warnings)
            throws EvidenceRejected {
        byte[] issuerDer;
        byte[] crlDer;
        try {
            issuerDer = issuer.getEncoded();
            crlDer = crl.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "cannot be encoded: " + e.getMessage());
        }
        // A CRL's signature, once verified, stays verified; whether it is current is checked below every time.
        VerificationCache.once(VerificationCache.signature(issuerDer, crlDer, new byte[0]), () -> {
            boolean signed;
            try {
                signed = X509Signatures.verify(crl.getSigAlgOID(), crl.getSigAlgParams(), crl.getTBSCertList(), crl.getSignature(),
                        issuer.getPublicKey());
            } catch (GeneralSecurityException e) {
                signed = false;
            }
            if (!signed) {
                throw new EvidenceRejected(Reason.SIGNATURE, field, "is not signed by " + issuer.getSubjectX500Principal().getName());
            }
        });
        Instant next = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
        if (now.isBefore(crl.getThisUpdate().toInstant()) || (next != null && now.isAfter(next.plus(grace)))) {
            throw new EvidenceRejected(Reason.EXPIRED, field, "is not current at " + now + " (" + crl.getThisUpdate().toInstant() + " .. "
                    + (next == null ? "" : next) + (grace.isZero() ? "" : ", grace " + grace) + ")");
        }
        if (next != null && now.isAfter(next)) {
            warnings.add("stale collateral used within the grace period: " + field + " (next update was due " + next + ")");
        }
    }
}
