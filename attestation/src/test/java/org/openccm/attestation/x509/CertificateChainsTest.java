// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;

/**
 * PKIX rules on chains built for the purpose: what vendor chains must satisfy beyond signatures and dates. Each case
 * is refused with its own reason and names the certificate at fault in the caller's terms.
 */
class CertificateChainsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> NAMES = List.of("leaf", "intermediate", "root");
    private static final AtomicLong SERIAL = new AtomicLong(1);

    private final KeyPair rootKey = key();
    private final KeyPair intermediateKey = key();
    private final KeyPair leafKey = key();
    private final X509Certificate root = cert("CN=Root", rootKey.getPublic(), "CN=Root", rootKey.getPrivate(), ca(), NOW);

    @Test
    void aWellFormedChainToThePinnedRootVerifies() throws Exception {
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), ca(), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), endEntity(), NOW);

        CertificateChains.verify(List.of(leaf, intermediate, root), NAMES, List.of(root), NOW);
    }

    @Test
    void certificatesAreReadAsOneDerAsDerBackToBackAsPemAndAsPkcs7() throws Exception {
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), ca(), NOW);
        byte[] one = intermediate.getEncoded();
        byte[] two = java.nio.ByteBuffer.allocate(one.length + root.getEncoded().length).put(one).put(root.getEncoded()).array();
        String pem = "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder().encodeToString(one) + "\n-----END CERTIFICATE-----\n";
        byte[] pkcs7 = java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(intermediate, root)).getEncoded("PKCS7");

        assertThat(CertificateChains.parseAll("c", one)).containsExactly(intermediate);
        assertThat(CertificateChains.parseAll("c", two)).containsExactly(intermediate, root);
        assertThat(CertificateChains.parseAll("c", pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).containsExactly(intermediate);
        assertThat(CertificateChains.parseAll("c", pkcs7)).containsExactlyInAnyOrder(intermediate, root);
        assertThat(CertificateChains.derSequences(java.util.Arrays.copyOf(two, two.length - 1))).as("a cut second certificate").isNull();
        assertThatThrownBy(() -> CertificateChains.parseAll("c", java.util.Arrays.copyOf(one, one.length - 1)))
                .isInstanceOf(EvidenceRejected.class);
    }

    @Test
    void aLeafCertificateUsedAsAnIssuerIsRefused() {
        X509Certificate endEntity = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), endEntity(), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), endEntity(), NOW);

        // An end-entity certificate fails as an issuer on its key usage (no keyCertSign) before its basic constraints.
        assertRefused(List.of(leaf, endEntity, root), Reason.ISSUER_NOT_CA, "intermediate", "may not sign certificates (key usage), yet it issued leaf");
    }

    @Test
    void anIntermediateThatSaysItIsNoCaIsRefused() {
        Extensions notCa = new Extensions(new BasicConstraints(false), new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), notCa, NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), endEntity(), NOW);

        assertRefused(List.of(leaf, intermediate, root), Reason.ISSUER_NOT_CA, "intermediate", "is not a CA");
    }

    @Test
    void aCaWithoutKeyCertSignIsRefused() {
        Extensions noCertSign = new Extensions(new BasicConstraints(true), new KeyUsage(KeyUsage.digitalSignature));
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), noCertSign, NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), endEntity(), NOW);

        assertRefused(List.of(leaf, intermediate, root), Reason.ISSUER_NOT_CA, "intermediate", "key usage");
    }

    @Test
    void anIssuerNameThatDoesNotChainIsRefused() {
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), ca(), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Someone Else", intermediateKey.getPrivate(), endEntity(), NOW);

        assertRefused(List.of(leaf, intermediate, root), Reason.CHAIN, "leaf", "issuer name");
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() {
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), ca(), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", key().getPrivate(), endEntity(), NOW);

        assertRefused(List.of(leaf, intermediate, root), Reason.CHAIN, "leaf", "signature");
    }

    @Test
    void aCertificateOutsideItsValidityAtTheContextClockIsRefused() throws Exception {
        Instant issued = NOW.minus(400, ChronoUnit.DAYS);
        X509Certificate oldRoot = cert("CN=Root", rootKey.getPublic(), "CN=Root", rootKey.getPrivate(), ca(), issued);
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), ca(), issued);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), endEntity(), issued);
        List<X509Certificate> chain = List.of(leaf, intermediate, oldRoot);

        assertThatThrownBy(() -> CertificateChains.verify(chain, NAMES, List.of(oldRoot), NOW))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.EXPIRED);
                    assertThat(e.field()).isEqualTo("leaf");
                });
        // Archived evidence is verified at the clock of its day, where the same chain is valid.
        CertificateChains.verify(chain, NAMES, List.of(oldRoot), issued);
    }

    @Test
    void aChainToAnotherRootIsRefusedEvenWhenOtherwiseValid() {
        KeyPair otherRootKey = key();
        X509Certificate otherRoot = cert("CN=Root", otherRootKey.getPublic(), "CN=Root", otherRootKey.getPrivate(), ca(), NOW);
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", otherRootKey.getPrivate(), ca(), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), endEntity(), NOW);

        assertRefused(List.of(leaf, intermediate, otherRoot), Reason.WRONG_ROOT, "root", "pinned");
    }

    @Test
    void anIntermediateThatTheRootDidNotSignIsRefused() {
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", key().getPrivate(), ca(), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), endEntity(), NOW);

        assertRefused(List.of(leaf, intermediate, root), Reason.CHAIN, "intermediate", "signature");
    }

    @Test
    void aChainVerifiedBeforeIsStillCheckedForValidityAtEachClock() throws Exception {
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), ca(), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), endEntity(), NOW);
        List<X509Certificate> chain = List.of(leaf, intermediate, root);
        CertificateChains.verify(chain, NAMES, List.of(root), NOW);

        assertThatThrownBy(() -> CertificateChains.verify(chain, NAMES, List.of(root), NOW.plus(400, ChronoUnit.DAYS)))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
    }

    @Test
    void aRememberedLinkVouchesOnlyForTheExactCertificates() throws Exception {
        X509Certificate intermediate = cert("CN=Intermediate", intermediateKey.getPublic(), "CN=Root", rootKey.getPrivate(), ca(), NOW);
        X509Certificate leaf = cert("CN=Leaf", leafKey.getPublic(), "CN=Intermediate", intermediateKey.getPrivate(), endEntity(), NOW);
        CertificateChains.verify(List.of(leaf, intermediate, root), NAMES, List.of(root), NOW);
        // The same certificate with one bit of its signature flipped: it parses, and its link must be checked anew.
        byte[] der = leaf.getEncoded();
        der[der.length - 2] ^= 1;
        X509Certificate tampered = CertificateChains.parse("leaf", der);

        assertRefused(List.of(tampered, intermediate, root), Reason.CHAIN, "leaf", "signature");
    }

    private void assertRefused(List<X509Certificate> chain, Reason reason, String field, String detail) {
        assertThatThrownBy(() -> CertificateChains.verify(chain, NAMES, List.of(root), NOW))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
                    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(detail);
                });
    }

    private record Extensions(BasicConstraints basicConstraints, KeyUsage keyUsage) {}

    private static Extensions ca() {
        return new Extensions(new BasicConstraints(true), new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }

    private static Extensions endEntity() {
        return new Extensions(null, new KeyUsage(KeyUsage.digitalSignature));
    }

    private static KeyPair key() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate valid for one year from {@code from}, signed by {@code signer}. */
    private static X509Certificate cert(String subject, PublicKey key, String issuer, PrivateKey signer, Extensions ext, Instant from) {
        try {
            var builder = new JcaX509v3CertificateBuilder(
                    new X500Name(issuer),
                    BigInteger.valueOf(SERIAL.getAndIncrement()),
                    Date.from(from.minus(1, ChronoUnit.DAYS)),
                    Date.from(from.plus(365, ChronoUnit.DAYS)),
                    new X500Name(subject),
                    key);
            if (ext.basicConstraints() != null) {
                builder.addExtension(Extension.basicConstraints, true, ext.basicConstraints());
            }
            builder.addExtension(Extension.keyUsage, true, ext.keyUsage());
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
