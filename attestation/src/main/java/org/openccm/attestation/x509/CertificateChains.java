// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;

/**
 * Checks a certificate chain the way attestation needs it: the last certificate must be one of the pinned vendor
 * roots, which is the only trust anchor; every certificate must be valid at the verification instant (not the wall
 * clock); each issuer must be a CA (basic constraints, path length, keyCertSign) whose subject is the next
 * certificate's issuer, and must have signed it; no certificate may carry a critical extension nobody reads. These
 * are the rules of RFC 5280 path validation that the JDK's PKIX validator applied here before; they are applied
 * directly so that the signatures go through {@link Ecdsa} and verified links are remembered
 * ({@link VerificationCache}). Revocation is the caller's step (DCAP checks Intel's CRLs itself).
 */
public final class CertificateChains {
    /**
     * Critical extensions that are processed: basic constraints and key usage (here), extended key usage and subject
     * alternative names (which constrain nothing without a name or usage being asked for, as in PKIX), and the vendor
     * extensions the verifiers read themselves: TCG DICE TcbInfo, UEID and MultiTcbInfo (NVIDIA's device
     * certificates carry the FWID in TcbInfo, see NvidiaGpuVerifier).
     */
    private static final Set<String> HANDLED_CRITICAL_EXTENSIONS = Set.of(
            "2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.17", "2.23.133.5.4.1", "2.23.133.5.4.4", "2.23.133.5.4.5");

    private static final int KEY_CERT_SIGN = 5;

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
        List<byte[]> each = pemCertificates(pemOrDer);
        if (each == null) {
            each = derSequences(pemOrDer);
        }
        if (each != null) {
            // One by one: the JDK's factory hands back the certificate it already parsed for an encoding only then
            // (not from generateCertificates, which also tries PKCS#7 first and throws inside), which spares
            // re-parsing the vendor chains and the chip certificates each evidence repeats.
            List<X509Certificate> out = new ArrayList<>();
            try {
                CertificateFactory factory = CertificateFactory.getInstance("X.509");
                for (byte[] der : each) {
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                }
            } catch (CertificateException | RuntimeException e) {
                throw new EvidenceRejected(Reason.CHAIN, field, "not valid X.509 certificates: " + e.getMessage());
            }
            return out;
        }
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
     * The DER SEQUENCEs that {@code input} is made of, back to back, in order, each opening with a SEQUENCE as a
     * certificate does (its tbsCertificate; a PKCS#7 bundle opens with an OID); null when it is not exactly that (the
     * JDK's factory then decides what it is).
     */
    static List<byte[]> derSequences(byte[] input) {
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            if (input[at] != 0x30 || at + 2 > input.length) {
                return null;
            }
            int first = input[at + 1] & 0xff;
            int header = 2;
            long length = first;
            if (first > 0x80) {
                int bytes = first - 0x80;
                if (bytes > 4 || at + 2 + bytes > input.length) {
                    return null;
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (input[at + 2 + i] & 0xff);
                }
                header += bytes;
            } else if (first == 0x80) {
                return null; // indefinite length is BER, not DER
            }
            long end = at + header + length;
            if (end > input.length || length < 2 || input[at + header] != 0x30) {
                return null;
            }
            out.add(java.util.Arrays.copyOfRange(input, at, (int) end));
            at = (int) end;
        }
        return out.isEmpty() ? null : out;
    }

    /** The DER of each PEM CERTIFICATE block, in order; null when the input is not only PEM certificates. */
    private static List<byte[]> pemCertificates(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        String begin = "-----BEGIN CERTIFICATE-----";
        String end = "-----END CERTIFICATE-----";
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (true) {
            int start = text.indexOf("-----BEGIN ", at);
            if (start < 0) {
                break;
            }
            if (!text.startsWith(begin, start)) {
                return null;
            }
            // Looked for after the whole BEGIN line: an END marker may share dashes with it in hostile input.
            int stop = text.indexOf(end, start + begin.length());
            if (stop < 0) {
                return null;
            }
            try {
                out.add(Base64.getMimeDecoder().decode(text.substring(start + begin.length(), stop)));
            } catch (IllegalArgumentException e) {
                return null;
            }
            at = stop + end.length();
        }
        return out.isEmpty() ? null : out;
    }

    /** SHA-256 (hex) of the pinned roots whose self-signature verified; never forgotten, unlike {@link VerificationCache}. */
    private static final Set<String> ANCHORS_CHECKED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param chain leaf first, each certificate issued by the next; the last must be a pinned root
     * @param names how each position is called in the vendor's terms, for the error messages
     */
    public static void verify(List<X509Certificate> chain, List<String> names, Collection<X509Certificate> roots, Instant now)
            throws EvidenceRejected {
        int n = chain.size();
        byte[][] encodings = new byte[n][];
        for (int i = 0; i < n; i++) {
            encodings[i] = encoding(chain.get(i), names.get(i));
        }
        X509Certificate last = chain.getLast();
        boolean pinned = roots.stream().anyMatch(root -> sameCertificate(root, encodings[n - 1]));
        if (!pinned) {
            throw new EvidenceRejected(
                    Reason.WRONG_ROOT,
                    names.getLast(),
                    "is not a pinned vendor root (" + last.getSubjectX500Principal().getName() + ")");
        }
        Date at = Date.from(now);
        for (int i = 0; i < n; i++) {
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
        byte[][] digests = new byte[n][];
        for (int i = 0; i < n; i++) {
            digests[i] = VerificationCache.sha256(encodings[i]);
        }
        // The pinned root vouches for itself: only its self-signature is checked, once per root for the life of the
        // process (it is a property of the configured anchor, not of the evidence; PKIX does not check a trust
        // anchor's signature at all). Only pinned roots get here, so the set stays as small as the configuration.
        X509Certificate root = last;
        String anchor = java.util.HexFormat.of().formatHex(digests[n - 1]);
        if (!ANCHORS_CHECKED.contains(anchor)) {
            if (!signedBy(root, root)) {
                throw new EvidenceRejected(Reason.CHAIN, names.getLast(), "the root's self-signature does not verify");
            }
            ANCHORS_CHECKED.add(anchor);
        }
        // From the root down, as RFC 5280 6.1 processes a path: the room left below each CA for more CAs.
        int maxPathLength = n - 1;
        for (int i = n - 2; i >= 0; i--) {
            X509Certificate cert = chain.get(i);
            X509Certificate issuer = chain.get(i + 1);
            String field = names.get(i);
            String issuerName = names.get(i + 1);
            VerificationCache.once(VerificationCache.link(digests[i + 1], digests[i]), () -> link(cert, issuer, field, issuerName));
            if (i > 0) {
                String issued = names.get(i - 1);
                boolean[] usage = cert.getKeyUsage();
                if (usage != null && (usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN])) {
                    throw new EvidenceRejected(Reason.ISSUER_NOT_CA, field, "may not sign certificates (key usage), yet it issued " + issued);
                }
                if (cert.getBasicConstraints() < 0) {
                    throw new EvidenceRejected(Reason.ISSUER_NOT_CA, field, "is not a CA (basic constraints), yet it issued " + issued);
                }
                if (!cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                    if (maxPathLength <= 0) {
                        throw new EvidenceRejected(Reason.ISSUER_NOT_CA, field, "is beyond its issuers' path length constraint");
                    }
                    maxPathLength--;
                }
                maxPathLength = Math.min(maxPathLength, cert.getBasicConstraints());
            }
            Set<String> critical = cert.getCriticalExtensionOIDs();
            if (critical != null) {
                for (String oid : critical) {
                    if (!HANDLED_CRITICAL_EXTENSIONS.contains(oid)) {
                        throw new EvidenceRejected(Reason.CHAIN, field,
                                "is not a valid link of the chain: it carries the critical extension " + oid + ", which nothing here processes");
                    }
                }
            }
        }
    }

    /** What is true of a subject and its issuer forever: the names chain, and the issuer's key signed the subject. */
    private static void link(X509Certificate cert, X509Certificate issuer, String field, String issuerName) throws EvidenceRejected {
        if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            throw new EvidenceRejected(Reason.CHAIN, field, "its issuer name is not the subject of " + issuerName);
        }
        if (!signedBy(cert, issuer)) {
            throw new EvidenceRejected(Reason.CHAIN, field, "signature does not verify with the key of " + issuerName);
        }
    }

    private static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        try {
            return X509Signatures.verify(cert.getSigAlgOID(), cert.getSigAlgParams(), cert.getTBSCertificate(), cert.getSignature(),
                    issuer.getPublicKey());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] encoding(X509Certificate cert, String field) throws EvidenceRejected {
        try {
            return cert.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new EvidenceRejected(Reason.CHAIN, field, "cannot be encoded: " + e.getMessage());
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

    private static boolean sameCertificate(X509Certificate a, byte[] encoding) {
        try {
            return Arrays.equals(a.getEncoded(), encoding);
        } catch (CertificateEncodingException e) {
            return false;
        }
    }
}
