// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * BouncyCastle's verification agrees with the JDK's signer on every curve and form the verifiers use, refuses a
 * flipped byte, and stays out of the JCA provider list.
 */
class EcdsaTest {
    private static final byte[] MESSAGE = "the signed bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @ParameterizedTest
    @CsvSource({"secp256r1, SHA256, SHA256withECDSA", "secp384r1, SHA384, SHA384withECDSA", "secp521r1, SHA512, SHA512withECDSA"})
    void aJdkSignatureVerifiesAndAFlippedByteDoesNot(String curve, Ecdsa.Hash hash, String jdkAlgorithm) throws Exception {
        KeyPair pair = pair(curve);
        byte[] p1363 = sign(pair, jdkAlgorithm + "inP1363Format");
        byte[] der = sign(pair, jdkAlgorithm);

        assertThat(Ecdsa.verifyP1363(pair.getPublic(), hash, MESSAGE, p1363)).isTrue();
        assertThat(Ecdsa.verifyDer(pair.getPublic(), hash, MESSAGE, der)).isTrue();
        assertThat(Ecdsa.verifyDerOnce(pair.getPublic(), hash, MESSAGE, der)).isTrue();
        p1363[5] ^= 1;
        der[der.length - 3] ^= 1;
        assertThat(Ecdsa.verifyP1363(pair.getPublic(), hash, MESSAGE, p1363)).isFalse();
        assertThat(Ecdsa.verifyDer(pair.getPublic(), hash, MESSAGE, der)).isFalse();
        assertThat(Ecdsa.verifyDerOnce(pair.getPublic(), hash, MESSAGE, der)).isFalse();
        byte[] other = MESSAGE.clone();
        other[0] ^= 1;
        p1363[5] ^= 1;
        assertThat(Ecdsa.verifyP1363(pair.getPublic(), hash, other, p1363)).isFalse();
    }

    @Test
    void aSignatureOfTheWrongLengthOrEncodingIsNotValid() throws Exception {
        KeyPair pair = pair("secp256r1");
        byte[] p1363 = sign(pair, "SHA256withECDSAinP1363Format");

        assertThat(Ecdsa.verifyP1363(pair.getPublic(), Ecdsa.Hash.SHA256, MESSAGE, Arrays.copyOf(p1363, 63))).isFalse();
        assertThat(Ecdsa.verifyDer(pair.getPublic(), Ecdsa.Hash.SHA256, MESSAGE, p1363)).isFalse();
    }

    @Test
    void aRawP256KeyVerifiesAndAPointOffTheCurveIsRefused() throws Exception {
        KeyPair pair = pair("secp256r1");
        ECPublicKey key = (ECPublicKey) pair.getPublic();
        byte[] xy = new byte[64];
        byte[] x = key.getW().getAffineX().toByteArray();
        byte[] y = key.getW().getAffineY().toByteArray();
        System.arraycopy(x, Math.max(0, x.length - 32), xy, 32 - Math.min(32, x.length), Math.min(32, x.length));
        System.arraycopy(y, Math.max(0, y.length - 32), xy, 64 - Math.min(32, y.length), Math.min(32, y.length));

        assertThat(Ecdsa.verifyP256(xy, Ecdsa.Hash.SHA256, MESSAGE, sign(pair, "SHA256withECDSAinP1363Format"))).isTrue();
        xy[63] ^= 1;
        assertThatThrownBy(() -> Ecdsa.verifyP256(xy, Ecdsa.Hash.SHA256, MESSAGE, new byte[64])).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void bouncyCastleIsNeverInstalledAsAProvider() throws Exception {
        KeyPair pair = pair("secp384r1");
        Ecdsa.verifyP1363(pair.getPublic(), Ecdsa.Hash.SHA384, MESSAGE, sign(pair, "SHA384withECDSAinP1363Format"));

        assertThat(Security.getProvider("BC")).isNull();
    }

    private static KeyPair pair(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static byte[] sign(KeyPair pair, String algorithm) throws Exception {
        Signature s = Signature.getInstance(algorithm);
        s.initSign(pair.getPrivate());
        s.update(MESSAGE);
        return s.sign();
    }
}
