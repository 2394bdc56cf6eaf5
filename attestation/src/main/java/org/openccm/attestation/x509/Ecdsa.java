// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECField;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.DSAEncoding;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * Every ECDSA signature check of the attestation library: certificate and CRL signatures, and the evidence's own
 * (Nitro COSE, SEV-SNP reports, DCAP quotes and QE reports, Intel's collateral, NVIDIA GPU reports).
 *
 * <p>It uses BouncyCastle's lightweight API on its hand-written curves because that was measured to verify about
 * 2.5 times faster than the JDK's SunEC here (bench/: EcdsaProviderBenchmark). BouncyCastle is called directly, never
 * installed as a JCA provider, so nothing else in the process (the server's TLS, its CA) changes provider.
 */
public final class Ecdsa {
    /** The digest a signature was made over. */
    public enum Hash {
        SHA256("SHA-256"),
        SHA384("SHA-384"),
        SHA512("SHA-512");

        private final String jdkName;

        Hash(String jdkName) {
            this.jdkName = jdkName;
        }

        byte[] digest(byte[] data, int offset, int length) {
            try {
                MessageDigest md = MessageDigest.getInstance(jdkName);
                md.update(data, offset, length);
                return md.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has " + jdkName, e);
            }
        }
    }

    private record Curve(String name, ECDomainParameters domain, BigInteger p, BigInteger a, BigInteger b, BigInteger n, BigInteger gx,
            BigInteger gy) {
        static Curve of(String name) {
            X9ECParameters x9 = CustomNamedCurves.getByName(name);
            var curve = x9.getCurve();
            return new Curve(name, new ECDomainParameters(x9), curve.getField().getCharacteristic(), curve.getA().toBigInteger(),
                    curve.getB().toBigInteger(), x9.getN(), x9.getG().getAffineXCoord().toBigInteger(),
                    x9.getG().getAffineYCoord().toBigInteger());
        }

        boolean describes(ECParameterSpec spec) {
            ECField field = spec.getCurve().getField();
            return field instanceof ECFieldFp fp && fp.getP().equals(p) && spec.getOrder().equals(n)
                    && spec.getCurve().getA().equals(a) && spec.getCurve().getB().equals(b)
                    && spec.getGenerator().getAffineX().equals(gx) && spec.getGenerator().getAffineY().equals(gy);
        }
    }

    /** A public point by its curve and coordinates. */
    private record Point(String curve, BigInteger x, BigInteger y) {}

    private static final Curve P256 = Curve.of("secp256r1");
    private static final List<Curve> CURVES = List.of(P256, Curve.of("secp384r1"), Curve.of("secp521r1"));

    /**
     * Public keys ready to verify with, their multiples precomputed: preparing a key cost as much as the verification
     * itself (measured), and the keys that sign evidence repeat (a chip's VCEK, a platform's PCK and attestation key,
     * the vendors' CAs). Only the key is kept, never a verdict.
     */
    private static final Map<Point, ECPublicKeyParameters> PREPARED = VerificationCache.bounded(1024);

    private Ecdsa() {}

    /** A signature in IEEE P1363 form (r ‖ s, each as long as the curve's order), as COSE, SEV-SNP and DCAP carry it. */
    public static boolean verifyP1363(PublicKey key, Hash hash, byte[] data, byte[] signature) throws InvalidKeyException {
        return verifyP1363(key, hash, data, 0, data.length, signature);
    }

    public static boolean verifyP1363(PublicKey key, Hash hash, byte[] data, int offset, int length, byte[] signature)
            throws InvalidKeyException {
        return verify(publicKey(key), hash, data, offset, length, signature, PlainDSAEncoding.INSTANCE);
    }

    /** A P1363 signature by a P-256 key given as its raw affine coordinates x ‖ y (a DCAP quote's attestation key). */
    public static boolean verifyP256(byte[] xy, Hash hash, byte[] data, byte[] signature) throws InvalidKeyException {
        if (xy.length != 64) {
            throw new InvalidKeyException("a P-256 point is 64 bytes (x ‖ y), not " + xy.length);
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(xy, 0, 32));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(xy, 32, 64));
        return verify(point(P256, x, y), hash, data, 0, data.length, signature, PlainDSAEncoding.INSTANCE);
    }

    /** A signature as X.509 carries it: DER SEQUENCE { r, s }, refused unless strictly DER. */
    public static boolean verifyDer(PublicKey key, Hash hash, byte[] data, byte[] signature) throws InvalidKeyException {
        return verify(publicKey(key), hash, data, 0, data.length, signature, StandardDSAEncoding.INSTANCE);
    }

    /**
     * {@link #verifyDer} for a key seen once (a certificate request's): it is not kept among the prepared keys, where
     * it would push out the keys that do repeat.
     */
    public static boolean verifyDerOnce(PublicKey key, Hash hash, byte[] data, byte[] signature) throws InvalidKeyException {
        Curve curve = curve(key);
        ECPoint w = ((ECPublicKey) key).getW();
        ECPublicKeyParameters parameters;
        try {
            parameters = new ECPublicKeyParameters(curve.domain().getCurve().createPoint(w.getAffineX(), w.getAffineY()), curve.domain());
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("not a point of " + curve.name() + ": " + e.getMessage());
        }
        return verify(parameters, hash, data, 0, data.length, signature, StandardDSAEncoding.INSTANCE);
    }

    private static boolean verify(ECPublicKeyParameters key, Hash hash, byte[] data, int offset, int length, byte[] signature,
            DSAEncoding encoding) {
        BigInteger[] rs;
        try {
            rs = encoding.decode(key.getParameters().getN(), signature);
        } catch (java.io.IOException | RuntimeException malformed) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, key);
        return verifier.verifySignature(hash.digest(data, offset, length), rs[0], rs[1]);
    }

    private static ECPublicKeyParameters publicKey(PublicKey key) throws InvalidKeyException {
        Curve curve = curve(key);
        ECPoint w = ((ECPublicKey) key).getW();
        return point(curve, w.getAffineX(), w.getAffineY());
    }

    private static Curve curve(PublicKey key) throws InvalidKeyException {
        if (!(key instanceof ECPublicKey ec)) {
            throw new InvalidKeyException("not an EC public key: " + key.getAlgorithm());
        }
        for (Curve curve : CURVES) {
            if (curve.describes(ec.getParams())) {
                return curve;
            }
        }
        throw new InvalidKeyException("the key is on none of the curves P-256, P-384, P-521");
    }

    private static ECPublicKeyParameters point(Curve curve, BigInteger x, BigInteger y) throws InvalidKeyException {
        Point point = new Point(curve.name(), x, y);
        ECPublicKeyParameters prepared = PREPARED.get(point);
        if (prepared != null) {
            return prepared;
        }
        try {
            // ECPublicKeyParameters refuses a point that is off the curve or at infinity.
            prepared = new ECPublicKeyParameters(curve.domain().getCurve().createPoint(x, y), curve.domain());
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("not a point of " + curve.name() + ": " + e.getMessage());
        }
        PREPARED.put(point, prepared);
        return prepared;
    }
}
