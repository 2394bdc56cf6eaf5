// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;

/**
 * Checks a certificate chain the way attestation needs it: each certificate signed by the next, every one valid at
 * the verification instant (not the wall clock), and the last one one of the pinned vendor roots.
 */
public final class CertificateChains {
    // Links (certificate, issuer) whose signature has been verified, keyed by both encodings' SHA-256. Vendor
    // intermediates repeat in every piece of evidence, so a repeated attestation pays only for its own
    // signatures. Validity times and root pinning are still checked on every call.
    private static final int MAX_CACHED_LINKS = 4096;
    private static final Set<String> VERIFIED_LINKS = ConcurrentHashMap.newKeySet();

    private CertificateChains() {}

    public static X509Certificate parse(String field, byte[] der) throws EvidenceRejected {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new EvidenceRejected(Reason.CHAIN, field, "not a valid X.509 certificate: " + e.getMessage());
        }
    }

    public static List<X509Certificate> parseAll(String field, byte[] pemOrDer) throws EvidenceRejected {
        try {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pemOrDer));
            List<X509Certificate> out = new ArrayList<>();
            for (var c : all) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (CertificateException | RuntimeException e) {
            throw new EvidenceRejected(Reason.CHAIN, field, "not valid X.509 certificates: " + e.getMessage());
        }
    }

    /**
     * @param chain leaf first, each certificate issued by the next; the last must be a pinned root
     * @param names how each position is called in the vendor's terms, for the error messages
     */
    public static void verify(List<X509Certificate> chain, List<String> names, Collection<X509Certificate> roots, Instant now)
            throws EvidenceRejected {
        X509Certificate last = chain.getLast();
        boolean pinned = roots.stream().anyMatch(root -> sameCertificate(root, last));
        if (!pinned) {
            throw new EvidenceRejected(
                    Reason.WRONG_ROOT,
                    names.getLast(),
                    "is not a pinned vendor root (" + last.getSubjectX500Principal().getName() + ")");
        }
        Date at = Date.from(now);
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate cert = chain.get(i);
            try {
                cert.checkValidity(at);
            } catch (CertificateExpiredException e) {
                throw new EvidenceRejected(
                        Reason.EXPIRED, names.get(i), "expired at " + cert.getNotAfter().toInstant() + ", checked at " + now);
            } catch (CertificateNotYetValidException e) {
                throw new EvidenceRejected(
                        Reason.EXPIRED,
                        names.get(i),
                        "not valid before " + cert.getNotBefore().toInstant() + ", checked at " + now);
            }
            X509Certificate issuer = i + 1 < chain.size() ? chain.get(i + 1) : cert;
            String link = link(cert, issuer);
            if (VERIFIED_LINKS.contains(link)) {
                continue;
            }
            try {
                cert.verify(issuer.getPublicKey());
                if (VERIFIED_LINKS.size() >= MAX_CACHED_LINKS) {
                    VERIFIED_LINKS.clear();
                }
                VERIFIED_LINKS.add(link);
            } catch (GeneralSecurityException e) {
                throw new EvidenceRejected(
                        Reason.CHAIN,
                        names.get(i),
                        "signature does not verify with the key of " + (i + 1 < chain.size() ? names.get(i + 1) : "itself"));
            }
        }
    }

    private static String link(X509Certificate cert, X509Certificate issuer) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String a = HexFormat.of().formatHex(sha.digest(cert.getEncoded()));
            String b = HexFormat.of().formatHex(sha.digest(issuer.getEncoded()));
            return a + ":" + b;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            return false;
        }
    }
}
