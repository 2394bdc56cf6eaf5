// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECFieldFp;
import java.util.List;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.operator.ContentSigner;

/**
 * The server's own ECDSA signatures (workload certificates, CRLs, session tokens, audit checkpoints), made with
 * BouncyCastle's lightweight API on its hand-written curves: the JDK's SunEC spent 1.3-1.7 ms on one P-384 signature
 * here against BouncyCastle's 0.27-0.47 ms, and the account CA's signature was a fifth of an attestation's CPU time
 * under load (bench/load.sh with a flight recording). The nonce is derived as RFC 6979 says, so a signature never
 * depends on the quality of a random source. BouncyCastle is called directly, never installed as a JCA provider.
 */
public final class EcdsaSigning {
    /** The digest a signature is made over. */
    public enum Hash {
        SHA256("SHA-256", X9ObjectIdentifiers.ecdsa_with_SHA256),
        SHA384("SHA-384", X9ObjectIdentifiers.ecdsa_with_SHA384);

        private final String jdkName;
        private final AlgorithmIdentifier algorithm;

        Hash(String jdkName, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
            this.jdkName = jdkName;
            this.algorithm = new AlgorithmIdentifier(oid);
        }

        MessageDigest digest() {
            try {
                return MessageDigest.getInstance(jdkName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has " + jdkName, e);
            }
        }

        Digest kDigest() {
            return this == SHA256 ? new SHA256Digest() : new SHA384Digest();
        }
    }

    // One domain object per curve for the life of the process: the generator's precomputed multiples hang off it.
    private static final List<ECDomainParameters> CURVES =
            List.of(new ECDomainParameters(CustomNamedCurves.getByName("secp256r1")),
                    new ECDomainParameters(CustomNamedCurves.getByName("secp384r1")));

    private EcdsaSigning() {}

    /** A DER signature (SEQUENCE { r, s }) over {@code data}, as {@code SHA256withECDSA}/{@code SHA384withECDSA} make. */
    public static byte[] sign(PrivateKey key, Hash hash, byte[] data) throws InvalidKeyException {
        return signDigest(privateKey(key), hash, hash.digest().digest(data));
    }

    /** Signs certificates and CRLs as {@code ecdsa-with-SHA384}, the account CAs' algorithm. */
    public static ContentSigner contentSigner(PrivateKey key) throws InvalidKeyException {
        ECPrivateKeyParameters parameters = privateKey(key);
        return new ContentSigner() {
            private final ByteArrayOutputStream data = new ByteArrayOutputStream(1024);

            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return Hash.SHA384.algorithm;
            }

            @Override
            public OutputStream getOutputStream() {
                return data;
            }

            @Override
            public byte[] getSignature() {
                return signDigest(parameters, Hash.SHA384, Hash.SHA384.digest().digest(data.toByteArray()));
            }
        };
    }

    private static byte[] signDigest(ECPrivateKeyParameters key, Hash hash, byte[] digest) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(hash.kDigest()));
        signer.init(true, key);
        BigInteger[] rs = signer.generateSignature(digest);
        try {
            return StandardDSAEncoding.INSTANCE.encode(key.getParameters().getN(), rs[0], rs[1]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot DER-encode two integers", e);
        }
    }

    private static ECPrivateKeyParameters privateKey(PrivateKey key) throws InvalidKeyException {
        if (!(key instanceof ECPrivateKey ec)) {
            throw new InvalidKeyException("not an EC private key: " + key.getAlgorithm());
        }
        for (ECDomainParameters curve : CURVES) {
            if (curve.getN().equals(ec.getParams().getOrder()) && ec.getParams().getCurve().getField() instanceof ECFieldFp fp
                    && curve.getCurve().getField().getCharacteristic().equals(fp.getP())) {
                return new ECPrivateKeyParameters(ec.getS(), curve);
            }
        }
        throw new InvalidKeyException("the key is on neither P-256 nor P-384");
    }
}
