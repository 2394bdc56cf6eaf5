// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.operator.ContentSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The server's signatures are RFC 6979's (its own test vectors), the JDK verifies them, and a flipped byte does not
 * verify.
 */
class EcdsaSigningTest {
    private static final byte[] SAMPLE = "sample".getBytes(StandardCharsets.US_ASCII);

    /** RFC 6979 A.2.5 (P-256, SHA-256) and A.2.6 (P-384, SHA-384), message "sample". */
    @ParameterizedTest
    @CsvSource({
        "secp256r1, SHA256, C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721,"
                + " EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716,"
                + " F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
        "secp384r1, SHA384, 6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5,"
                + " 94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46,"
                + " 99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8"
    })
    void signaturesAreRfc6979s(String curve, EcdsaSigning.Hash hash, String x, String r, String s) throws Exception {
        byte[] der = EcdsaSigning.sign(privateKey(curve, new BigInteger(x, 16)), hash, SAMPLE);

        ASN1Sequence rs = ASN1Sequence.getInstance(der);
        assertThat(ASN1Integer.getInstance(rs.getObjectAt(0)).getValue()).isEqualTo(new BigInteger(r, 16));
        assertThat(ASN1Integer.getInstance(rs.getObjectAt(1)).getValue()).isEqualTo(new BigInteger(s, 16));
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, SHA256, SHA256withECDSA", "secp384r1, SHA384, SHA384withECDSA"})
    void theJdkVerifiesTheSignatureAndNotAFlippedByte(String curve, EcdsaSigning.Hash hash, String jdkAlgorithm) throws Exception {
        KeyPair pair = pair(curve);
        byte[] message = "the signed bytes".getBytes(StandardCharsets.US_ASCII);
        byte[] der = EcdsaSigning.sign(pair.getPrivate(), hash, message);

        assertThat(jdkVerifies(pair, jdkAlgorithm, message, der)).isTrue();
        message[3] ^= 1;
        assertThat(jdkVerifies(pair, jdkAlgorithm, message, der)).isFalse();
    }

    @Test
    void theContentSignerSignsAsEcdsaWithSha384() throws Exception {
        KeyPair pair = pair("secp384r1");
        ContentSigner signer = EcdsaSigning.contentSigner(pair.getPrivate());
        byte[] tbs = "to be signed".getBytes(StandardCharsets.US_ASCII);
        write(signer, tbs);
        byte[] signature = signer.getSignature();

        assertThat(signer.getAlgorithmIdentifier().getAlgorithm().getId()).isEqualTo("1.2.840.10045.4.3.3");
        assertThat(signer.getAlgorithmIdentifier().getParameters()).as("RFC 5758: no parameters").isNull();
        assertThat(jdkVerifies(pair, "SHA384withECDSA", tbs, signature)).isTrue();
    }

    @Test
    void aKeyOnAnotherCurveOrOfAnotherKindIsRefused() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);

        assertThatThrownBy(() -> EcdsaSigning.sign(rsa.generateKeyPair().getPrivate(), EcdsaSigning.Hash.SHA256, SAMPLE))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("not an EC private key");
        assertThatThrownBy(() -> EcdsaSigning.contentSigner(pair("secp521r1").getPrivate()))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("neither P-256 nor P-384");
    }

    private static void write(ContentSigner signer, byte[] data) throws IOException {
        try (var out = signer.getOutputStream()) {
            out.write(data);
        }
    }

    private static boolean jdkVerifies(KeyPair pair, String algorithm, byte[] message, byte[] der) throws Exception {
        Signature jdk = Signature.getInstance(algorithm);
        jdk.initVerify(pair.getPublic());
        jdk.update(message);
        return jdk.verify(der);
    }

    private static PrivateKey privateKey(String curve, BigInteger scalar) throws Exception {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(curve));
        return KeyFactory.getInstance("EC")
                .generatePrivate(new ECPrivateKeySpec(scalar, parameters.getParameterSpec(ECParameterSpec.class)));
    }

    private static KeyPair pair(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }
}
