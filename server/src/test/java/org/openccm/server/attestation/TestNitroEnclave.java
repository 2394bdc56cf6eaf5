// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openccm.attestation.cbor.Cbor;
import org.openccm.server.pki.Pem;

/**
 * A stand-in for the AWS Nitro hypervisor: a test root and enclave certificate of its own, trusted by the test
 * server as an extra Nitro root, signing real COSE_Sign1 attestation documents that the production verifier
 * checks exactly as it checks AWS's. Real samples cannot bind a key made now; these can.
 */
public final class TestNitroEnclave {
    private static final KeyPair ROOT = keyPair("secp384r1");
    private static final KeyPair LEAF = keyPair("secp384r1");
    private static final X509Certificate ROOT_CERT = certificate("CN=OpenCCM test Nitro root", ROOT, "CN=OpenCCM test Nitro root", ROOT, true);
    private static final X509Certificate LEAF_CERT = certificate("CN=i-test-enc0001", LEAF, "CN=OpenCCM test Nitro root", ROOT, false);
    private static Path rootFile;

    private TestNitroEnclave() {}

    /** The PEM file of the test root, for the server's openccm.attestation.nitro.extra-roots. */
    public static synchronized String rootPemFile() {
        if (rootFile == null) {
            try {
                rootFile = Files.createTempFile("openccm-test-nitro-root", ".pem");
                Files.writeString(rootFile, Pem.of(ROOT_CERT));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rootFile.toString();
    }

    /** A signed attestation document with PCR0-2 as given (hex) and the optional fields set when not null. */
    public static byte[] document(List<String> pcr012, byte[] publicKey, byte[] userData) {
        return document(pcr012, publicKey, userData, null);
    }

    /** The same, with the NSM's {@code nonce} field set when not null. */
    public static byte[] document(List<String> pcr012, byte[] publicKey, byte[] userData, byte[] nonce) {
        try {
            Map<Object, Object> pcrs = new LinkedHashMap<>();
            for (long i = 0; i < 16; i++) {
                pcrs.put(i, i < 3 ? java.util.HexFormat.of().parseHex(pcr012.get((int) i)) : new byte[48]);
            }
            Map<Object, Object> payload = new LinkedHashMap<>();
            payload.put("module_id", "i-test-enc0001");
            payload.put("digest", "SHA384");
            payload.put("timestamp", Instant.now().toEpochMilli());
            payload.put("pcrs", pcrs);
            payload.put("certificate", LEAF_CERT.getEncoded());
            payload.put("cabundle", List.of(ROOT_CERT.getEncoded()));
            if (publicKey != null) {
                payload.put("public_key", publicKey);
            }
            if (userData != null) {
                payload.put("user_data", userData);
            }
            if (nonce != null) {
                payload.put("nonce", nonce);
            }
            byte[] protectedHeader = Cbor.encode(Map.of(1L, -35L));
            byte[] payloadBytes = Cbor.encode(payload);
            Signature ecdsa = Signature.getInstance("SHA384withECDSAinP1363Format");
            ecdsa.initSign(LEAF.getPrivate());
            ecdsa.update(Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], payloadBytes)));
            return Cbor.encode(List.of(protectedHeader, Map.of(), payloadBytes, ecdsa.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair workloadKey() {
        return keyPair("secp256r1");
    }

    public static PublicKey rootKey() {
        return ROOT.getPublic();
    }

    private static KeyPair keyPair(String curve) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec(curve));
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey, boolean ca) {
        try {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            var b = new JcaX509v3CertificateBuilder(
                    new X500Name(issuer),
                    BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(1, ChronoUnit.DAYS)),
                    Date.from(now.plus(1, ChronoUnit.DAYS)),
                    new X500Name(subject),
                    subjectKey.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(issuerKey.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
