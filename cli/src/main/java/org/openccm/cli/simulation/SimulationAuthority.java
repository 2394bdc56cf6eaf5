// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli.simulation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openccm.cli.Credentials;

/**
 * The test-only roots of OpenCCM's simulation mode: a Nitro root standing in for AWS's, and an ARK-Milan and
 * SEV-Milan (ASK) standing in for AMD's. {@code simulation-roots.pem} is what a server in simulation mode is told to
 * trust ({@code OPENCCM_SIMULATION_ROOTS}); the private keys stay beside it (0600) for the simulated platforms. Every
 * certificate says "OpenCCM simulation" in its subject, so no one mistakes it for a vendor's.
 */
public final class SimulationAuthority {
    public static final String ORGANIZATION = "O=OpenCCM simulation";
    public static final String ROOTS_FILE = "simulation-roots.pem";
    static final String NITRO_ROOT = "CN=OpenCCM simulation Nitro root," + ORGANIZATION;
    static final String ARK = "CN=ARK-Milan," + ORGANIZATION;
    static final String ASK = "CN=SEV-Milan," + ORGANIZATION;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate nitroRoot;
    private final PrivateKey nitroRootKey;
    private final X509Certificate ark;
    private final X509Certificate ask;
    private final PrivateKey askKey;

    private SimulationAuthority(X509Certificate nitroRoot, PrivateKey nitroRootKey, X509Certificate ark, X509Certificate ask, PrivateKey askKey) {
        this.nitroRoot = nitroRoot;
        this.nitroRootKey = nitroRootKey;
        this.ark = ark;
        this.ask = ask;
        this.askKey = askKey;
    }

    /** New roots, written to {@code dir}: the certificates (for the server) and the keys (for the simulators). */
    public static SimulationAuthority create(Path dir) {
        Instant now = Instant.now();
        KeyPair nitro = ecKey();
        KeyPair arkKey = ecKey();
        KeyPair askPair = ecKey();
        X509Certificate nitroRoot = certificate(NITRO_ROOT, nitro.getPublic(), NITRO_ROOT, nitro.getPrivate(), true, now, Duration.ofDays(3650));
        X509Certificate ark = certificate(ARK, arkKey.getPublic(), ARK, arkKey.getPrivate(), true, now, Duration.ofDays(3650));
        X509Certificate ask = certificate(ASK, askPair.getPublic(), ARK, arkKey.getPrivate(), true, now, Duration.ofDays(3650));
        Credentials.writePrivately(dir.resolve(ROOTS_FILE), pem(List.of(nitroRoot, ark, ask)).getBytes(StandardCharsets.US_ASCII));
        Credentials.writePrivately(dir.resolve("nitro-root-key.pem"), pkcs8(nitro.getPrivate()));
        Credentials.writePrivately(dir.resolve("ask-key.pem"), pkcs8(askPair.getPrivate()));
        return new SimulationAuthority(nitroRoot, nitro.getPrivate(), ark, ask, askPair.getPrivate());
    }

    public static SimulationAuthority load(Path dir) {
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(ROOTS_FILE))))
                    .forEach(c -> certificates.add((X509Certificate) c));
            return new SimulationAuthority(
                    bySubject(certificates, NITRO_ROOT), privateKey(dir.resolve("nitro-root-key.pem")),
                    bySubject(certificates, ARK), bySubject(certificates, ASK), privateKey(dir.resolve("ask-key.pem")));
        } catch (IOException e) {
            throw new UncheckedIOException("no simulation in " + dir + " (openccm simulate init --dir " + dir + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the simulation in " + dir + " is damaged", e);
        }
    }

    public X509Certificate nitroRoot() {
        return nitroRoot;
    }

    PrivateKey nitroRootKey() {
        return nitroRootKey;
    }

    public X509Certificate ark() {
        return ark;
    }

    public X509Certificate ask() {
        return ask;
    }

    PrivateKey askKey() {
        return askKey;
    }

    static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp384r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate certificate(String subject, PublicKey key, String issuer, PrivateKey signer, boolean ca, Instant from, Duration validity,
            Extra... extensions) {
        try {
            var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                    Date.from(from.minus(Duration.ofMinutes(5))), Date.from(from.plus(validity)), new X500Name(subject), key);
            if (ca) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            }
            for (Extra e : extensions) {
                builder.addExtension(new ASN1ObjectIdentifier(e.oid()), false, e.value());
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA384withECDSA").build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the simulation certificate " + subject, e);
        }
    }

    /** A non-critical extension. */
    record Extra(String oid, ASN1Encodable value) {}

    private static X509Certificate bySubject(List<X509Certificate> certificates, String subject) {
        X500Name wanted = new X500Name(subject);
        return certificates.stream()
                .filter(c -> X500Name.getInstance(c.getSubjectX500Principal().getEncoded()).equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the simulation roots lack " + subject));
    }

    private static String pem(List<X509Certificate> certificates) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate c : certificates) {
                writer.writeObject(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static byte[] pkcs8(PrivateKey key) {
        return ("-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file).replaceAll("-----[A-Z ]+-----|\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }
}
