// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Map;

/**
 * The signature of a certificate or CRL, checked over its to-be-signed bytes rather than with
 * {@code X509Certificate.verify}: ECDSA through {@link Ecdsa}, RSA (AMD's RSASSA-PSS, Microsoft's PKCS #1) through
 * the JDK. Only the algorithms vendor chains use are accepted; RSA keys must have at least 2048 bits.
 */
final class X509Signatures {
    private static final Map<String, Ecdsa.Hash> ECDSA = Map.of(
            "1.2.840.10045.4.3.2", Ecdsa.Hash.SHA256,
            "1.2.840.10045.4.3.3", Ecdsa.Hash.SHA384,
            "1.2.840.10045.4.3.4", Ecdsa.Hash.SHA512);
    private static final Map<String, String> RSA_PKCS1 = Map.of(
            "1.2.840.113549.1.1.11", "SHA256withRSA",
            "1.2.840.113549.1.1.12", "SHA384withRSA",
            "1.2.840.113549.1.1.13", "SHA512withRSA");
    private static final String RSASSA_PSS = "1.2.840.113549.1.1.10";
    private static final byte[] DER_NULL = {0x05, 0x00};

    private X509Signatures() {}

    /**
     * @return whether {@code signature} over {@code tbs} verifies with {@code key}
     * @throws GeneralSecurityException when the algorithm or the key is not one OpenCCM accepts
     */
    static boolean verify(String algorithmOid, byte[] algorithmParameters, byte[] tbs, byte[] signature, PublicKey key)
            throws GeneralSecurityException {
        Ecdsa.Hash hash = ECDSA.get(algorithmOid);
        if (hash != null) {
            if (algorithmParameters != null) {
                throw new SignatureException("ECDSA signature algorithms take no parameters");
            }
            return Ecdsa.verifyDer(key, hash, tbs, signature);
        }
        Signature rsa;
        if (RSA_PKCS1.containsKey(algorithmOid)) {
            if (algorithmParameters != null && !Arrays.equals(algorithmParameters, DER_NULL)) {
                throw new SignatureException("PKCS #1 signature algorithms take NULL parameters");
            }
            rsa = Signature.getInstance(RSA_PKCS1.get(algorithmOid));
        } else if (RSASSA_PSS.equals(algorithmOid) && algorithmParameters != null) {
            AlgorithmParameters pss = AlgorithmParameters.getInstance("RSASSA-PSS");
            try {
                pss.init(algorithmParameters);
            } catch (java.io.IOException e) {
                throw new SignatureException("malformed RSASSA-PSS parameters", e);
            }
            rsa = Signature.getInstance("RSASSA-PSS");
            rsa.setParameter(pss.getParameterSpec(PSSParameterSpec.class));
        } else {
            throw new SignatureException("signature algorithm " + algorithmOid + " is not accepted");
        }
        if (!(key instanceof RSAPublicKey rsaKey) || rsaKey.getModulus().bitLength() < 2048) {
            throw new SignatureException("an RSA signature needs an RSA key of at least 2048 bits");
        }
        rsa.initVerify(key);
        rsa.update(tbs);
        return rsa.verify(signature);
    }
}
