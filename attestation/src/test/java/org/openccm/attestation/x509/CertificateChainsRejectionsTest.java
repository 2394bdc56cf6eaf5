// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import static org.openccm.attestation.RejectionSupport.assertRejected;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.RejectionSupport;

/**
 * The refusals of the chain checker that CertificateChainsTest does not reach: bytes that are not certificates, a
 * certificate not yet valid, a pinned "root" that is not self-signed, a path past a length constraint, and a PKIX
 * failure with no reason of its own (an unrecognised critical extension).
 */
class CertificateChainsRejectionsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> NAMES = List.of("leaf", "intermediate", "root");
    private final KeyPair rootKey = RejectionSupport.ec("secp256r1");
    private final KeyPair intermediateKey = RejectionSupport.ec("secp256r1");
    private final KeyPair leafKey = RejectionSupport.ec("secp256r1");
    private final X509Certificate root = cert("CN=Root", rootKey.getPublic(), "CN=Root", rootKey.getPrivate(), new BasicConstraints(true), NOW);

    @Test
    void bytesThatAreNotCertificatesAreRefused() {
        byte[] pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);
        assertRejected(() -> CertificateChains.parseAll("chain", pem), Reason.CHAIN, "chain", "not valid X.509 certificates");
    }

    @Test
    void aCertificateNotYetValidAtTheContextClockIsRefused() {
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), new BasicConstraints(true), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), null, NOW.plus(30, ChronoUnit.DAYS));

        assertRejected(() -> CertificateChains.verify(List.of(leaf, intermediate, root), NAMES, List.of(root), NOW), Reason.EXPIRED, "leaf",
                "not valid before " + NOW.plus(29, ChronoUnit.DAYS));
    }

    @Test
    void aPinnedCertificateThatIsNotSelfSignedIsRefused() {
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), new BasicConstraints(true), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), null, NOW);

        assertRejected(() -> CertificateChains.verify(List.of(leaf, intermediate), List.of("leaf", "intermediate"), List.of(intermediate), NOW),
                Reason.CHAIN, "intermediate", "the root's self-signature does not verify");
    }

    @Test
    void aCaBeyondItsIssuersPathLengthIsRefused() {
        KeyPair subKey = RejectionSupport.ec("secp256r1");
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), new BasicConstraints(0), NOW);
        X509Certificate sub = cert("CN=Sub", subKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), new BasicConstraints(true), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Sub", subKey.getPrivate(), null, NOW);

        assertRejected(() -> CertificateChains.verify(List.of(leaf, sub, intermediate, root), List.of("leaf", "sub", "intermediate", "root"),
                List.of(root), NOW), Reason.ISSUER_NOT_CA, "sub", "is beyond its issuers' path length constraint");
    }

    @Test
    void anUnrecognisedCriticalExtensionIsRefusedAsABrokenLink() {
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), new BasicConstraints(true), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), null, NOW,
                new ASN1ObjectIdentifier("1.3.6.1.4.1.55555.1"));

        assertRejected(() -> CertificateChains.verify(List.of(leaf, intermediate, root), NAMES, List.of(root), NOW), Reason.CHAIN, "leaf",
                "is not a valid link of the chain");
    }

    /** Valid from a day before {@code from} for a year; a CA when {@code constraints} is given; {@code critical}: empty critical extensions. */
    private static X509Certificate cert(String subject, PublicKey key, String issuer, PrivateKey signer, BasicConstraints constraints, Instant from,
            ASN1ObjectIdentifier... critical) {
        try {
            var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(System.nanoTime()),
                    Date.from(from.minus(1, ChronoUnit.DAYS)), Date.from(from.plus(365, ChronoUnit.DAYS)), new X500Name(subject), key);
            if (constraints != null) {
                builder.addExtension(Extension.basicConstraints, true, constraints);
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            }
            for (ASN1ObjectIdentifier oid : critical) {
                builder.addExtension(oid, true, DERNull.INSTANCE);
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
