// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
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
 * Checks a certificate chain the way attestation needs it, with the JDK's PKIX {@link CertPathValidator}: the last
 * certificate must be one of the pinned vendor roots, which is the only trust anchor; every certificate must be
 * valid at the verification instant (not the wall clock); each issuer must be a CA (basic constraints, path length,
 * keyCertSign) whose subject is the next certificate's issuer, and must have signed it. Revocation is the caller's
 * step (DCAP checks Intel's CRLs itself).
 */
public final class CertificateChains {
    // Chains that passed PKIX, keyed by the SHA-256 of their encodings. Vendor chains repeat in every piece of
    // evidence, so a repeated attestation pays only for its own signatures. Validity at the verification instant
    // and root pinning are still checked on every call; what PKIX checks besides does not depend on the instant.
    private static final int MAX_CACHED_CHAINS = 4096;
    private static final Set<String> VERIFIED_CHAINS = ConcurrentHashMap.newKeySet();

    /**
     * Vendor extensions that are marked critical and that the verifiers read themselves: TCG DICE TcbInfo, UEID and
     * MultiTcbInfo (NVIDIA's device certificates carry the FWID in TcbInfo, see NvidiaGpuVerifier).
     */
    private static final Set<String> HANDLED_CRITICAL_EXTENSIONS = Set.of("2.23.133.5.4.1", "2.23.133.5.4.4", "2.23.133.5.4.5");

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
        }
        String key = digest(chain);
        if (VERIFIED_CHAINS.contains(key)) {
            return;
        }
        validate(chain, names, at);
        if (VERIFIED_CHAINS.size() >= MAX_CACHED_CHAINS) {
            VERIFIED_CHAINS.clear();
        }
        VERIFIED_CHAINS.add(key);
    }

    private static void validate(List<X509Certificate> chain, List<String> names, Date at) throws EvidenceRejected {
        X509Certificate root = chain.getLast();
        try {
            root.verify(root.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.CHAIN, names.getLast(), "the root's self-signature does not verify");
        }
        if (chain.size() == 1) {
            return;
        }
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, chain.size() - 1));
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            parameters.setDate(at);
            parameters.setRevocationEnabled(false);
            parameters.addCertPathChecker(new VendorExtensions());
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
        } catch (CertPathValidatorException e) {
            throw refusal(e, names);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKIX validation is unavailable", e);
        }
    }

    private static EvidenceRejected refusal(CertPathValidatorException e, List<String> names) {
        int index = e.getIndex();
        String field = index >= 0 && index < names.size() ? names.get(index) : names.getFirst();
        String issuer = index >= 0 && index + 1 < names.size() ? names.get(index + 1) : "its issuer";
        CertPathValidatorException.Reason reason = e.getReason();
        if (reason == PKIXReason.NOT_CA_CERT || reason == PKIXReason.INVALID_KEY_USAGE) {
            // PKIX names the certificate that acts as an issuer without being allowed to.
            String issued = index >= 1 && index - 1 < names.size() ? names.get(index - 1) : "a certificate";
            String what = reason == PKIXReason.NOT_CA_CERT ? "is not a CA (basic constraints)" : "may not sign certificates (key usage)";
            return new EvidenceRejected(Reason.ISSUER_NOT_CA, field, what + ", yet it issued " + issued);
        }
        if (reason == PKIXReason.PATH_TOO_LONG) {
            return new EvidenceRejected(Reason.ISSUER_NOT_CA, field, "is beyond its issuers' path length constraint");
        }
        if (reason == CertPathValidatorException.BasicReason.EXPIRED || reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return new EvidenceRejected(Reason.EXPIRED, field, e.getMessage());
        }
        if (reason == PKIXReason.NAME_CHAINING) {
            return new EvidenceRejected(Reason.CHAIN, field, "its issuer name is not the subject of " + issuer);
        }
        if (reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return new EvidenceRejected(Reason.CHAIN, field, "signature does not verify with the key of " + issuer);
        }
        return new EvidenceRejected(Reason.CHAIN, field, "is not a valid link of the chain: " + e.getMessage());
    }

    /** Marks the critical vendor extensions that OpenCCM's verifiers read as handled (see the constant). */
    private static final class VendorExtensions extends PKIXCertPathChecker {
        @Override
        public void init(boolean forward) {}

        @Override
        public boolean isForwardCheckingSupported() {
            return true;
        }

        @Override
        public Set<String> getSupportedExtensions() {
            return HANDLED_CRITICAL_EXTENSIONS;
        }

        @Override
        public void check(java.security.cert.Certificate cert, Collection<String> unresolvedCritExts) {
            unresolvedCritExts.removeAll(HANDLED_CRITICAL_EXTENSIONS);
        }
    }

    /** The SHA-256 of a certificate, lower-case hex: how vendor roots are pinned in tests and documentation. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digest(List<X509Certificate> chain) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (X509Certificate c : chain) {
                sha.update(sha256(c.getEncoded()));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            return false;
        }
    }
}
