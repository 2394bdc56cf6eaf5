// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openccm.attestation.EvidenceRejected.Reason;

/**
 * Shared by the *RejectionsTest classes: the assertion that a call is refused with one reason and field, and the
 * means to build inputs a real sample cannot provide. Test PKIs are minted here for checks that sit behind a vendor
 * signature: the verifiers take their roots as constructor arguments, so a test root signs what the vendor's key
 * would have, and only the one field under test is made wrong.
 */
public final class RejectionSupport {
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    private RejectionSupport() {}

    /** The call is refused as {@code reason} naming {@code field}, its message containing each of {@code details}. */
    public static void assertRejected(ThrowingCallable call, Reason reason, String field, String... details) {
        assertThatThrownBy(call).isInstanceOfSatisfying(EvidenceRejected.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
            for (String detail : details) {
                assertThat(e.getMessage()).contains(detail);
            }
        });
    }

    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("needle not found");
    }

    /** Replaces the only occurrence of {@code from} by {@code to} (same length). */
    public static byte[] replace(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.ISO_8859_1);
        byte[] t = to.getBytes(StandardCharsets.ISO_8859_1);
        if (f.length != t.length) {
            throw new IllegalArgumentException("same length only");
        }
        byte[] out = bytes.clone();
        int at = indexOf(out, f);
        System.arraycopy(t, 0, out, at, t.length);
        return out;
    }

    // ---- test PKI ----

    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One RSA key pair for every test that needs one (1024 bits: enough for PS384 and PKIX, and quick to generate). */
    public static KeyPair rsa() {
        return RsaHolder.KEY;
    }

    private static final class RsaHolder {
        static final KeyPair KEY = generate();

        private static KeyPair generate() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(1024);
                return g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An extension: its OID, criticality and the DER of its value. */
    public record Ext(String oid, boolean critical, byte[] der) {}

    public static Ext ext(String oid, byte[] der) {
        return new Ext(oid, false, der);
    }

    public static byte[] derInteger(long n) {
        return der(new ASN1Integer(n));
    }

    public static byte[] derIa5(String s) {
        return der(new DERIA5String(s));
    }

    public static byte[] derOctets(byte[] b) {
        return der(new DEROctetString(b));
    }

    private static byte[] der(org.bouncycastle.asn1.ASN1Object o) {
        try {
            return o.getEncoded("DER");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CA certificate (basic constraints CA, keyCertSign and cRLSign), valid over [from, to]. */
    public static X509Certificate ca(String subject, PublicKey key, String issuer, PrivateKey signer, Instant from, Instant to, Ext... exts) {
        return cert(subject, key, issuer, signer, from, to, true, exts);
    }

    /** An end-entity certificate (digitalSignature), valid over [from, to]. */
    public static X509Certificate leaf(String subject, PublicKey key, String issuer, PrivateKey signer, Instant from, Instant to, Ext... exts) {
        return cert(subject, key, issuer, signer, from, to, false, exts);
    }

    private static X509Certificate cert(
            String subject, PublicKey key, String issuer, PrivateKey signer, Instant from, Instant to, boolean ca, Ext... exts) {
        try {
            var builder = new JcaX509v3CertificateBuilder(
                    new X500Name(issuer), BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(from), Date.from(to), new X500Name(subject), key);
            if (ca) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            }
            for (Ext e : exts) {
                builder.addExtension(new ASN1ObjectIdentifier(e.oid()), e.critical(), e.der());
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRL of {@code issuer}, signed by its key, listing {@code revoked}. */
    public static X509CRL crl(X509Certificate issuer, PrivateKey signer, Instant thisUpdate, Instant nextUpdate, BigInteger... revoked) {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (BigInteger serial : revoked) {
                builder.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
            }
            return new JcaX509CRLConverter().getCRL(builder.build(signer(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key) throws Exception {
        return new JcaContentSignerBuilder(key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA384withECDSA").build(key);
    }
}
