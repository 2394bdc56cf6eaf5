// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.sgx;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.Hex;

/**
 * Reads an SGX SIGSTRUCT (Intel SDM Vol. 3D, 1808 bytes, little-endian) and proves it is self-consistent: the
 * fixed headers, RSA-3072 with exponent 3, the PKCS#1 v1.5 SHA-256 signature over bytes [0,128) and [900,1028),
 * and the Q1/Q2 helper values the CPU checks in EINIT. Only then are MRENCLAVE, MRSIGNER, ISVPRODID and ISVSVN
 * returned, so a flipped byte in the signed area can never become a registered identity.
 */
public final class SigstructParser {
    public static final int SIZE = 1808;

    private static final byte[] HEADER = HexFormat.of().parseHex("06000000E10000000000010000000000");
    private static final byte[] HEADER2 = HexFormat.of().parseHex("01010000600000006000000001000000");
    private static final int VENDOR = 16;
    private static final int DATE = 20;
    private static final int HEADER2_OFFSET = 24;
    private static final int MODULUS = 128;
    private static final int EXPONENT = 512;
    private static final int SIGNATURE = 516;
    private static final int MISCSELECT = 900;
    private static final int MISCMASK = 904;
    private static final int ATTRIBUTES = 928;
    private static final int ATTRIBUTEMASK = 944;
    private static final int ENCLAVEHASH = 960;
    private static final int ISVPRODID = 1024;
    private static final int ISVSVN = 1026;
    private static final int Q1 = 1040;
    private static final int Q2 = 1424;
    private static final int KEY_BYTES = 384;

    private SigstructParser() {}

    public static Sigstruct parse(byte[] bytes) throws EvidenceRejected {
        if (bytes.length != SIZE) {
            throw new EvidenceRejected(
                    Reason.MALFORMED, "SIGSTRUCT", "expected " + SIZE + " bytes, got " + bytes.length);
        }
        if (!Arrays.equals(bytes, 0, 16, HEADER, 0, 16)) {
            throw new EvidenceRejected(Reason.MALFORMED, "HEADER", "not the SIGSTRUCT header 06000000E1000000...");
        }
        if (!Arrays.equals(bytes, HEADER2_OFFSET, HEADER2_OFFSET + 16, HEADER2, 0, 16)) {
            throw new EvidenceRejected(Reason.MALFORMED, "HEADER2", "not the SIGSTRUCT header 0101000060000000...");
        }
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int vendor = le.getInt(VENDOR);
        if (vendor != 0 && vendor != 0x8086) {
            throw new EvidenceRejected(
                    Reason.MALFORMED, "VENDOR", "must be 0 or 0x8086, got 0x" + Integer.toHexString(vendor));
        }
        if (le.getInt(EXPONENT) != 3) {
            throw new EvidenceRejected(
                    Reason.MALFORMED, "EXPONENT", "SGX requires RSA exponent 3, got " + le.getInt(EXPONENT));
        }
        BigInteger modulus = littleEndian(bytes, MODULUS);
        BigInteger signature = littleEndian(bytes, SIGNATURE);
        verifySignature(bytes, modulus, signature);
        verifyQ1Q2(bytes, modulus, signature);
        return new Sigstruct(
                Hex.of(Arrays.copyOfRange(bytes, ENCLAVEHASH, ENCLAVEHASH + 32)),
                Hex.of(sha256(Arrays.copyOfRange(bytes, MODULUS, MODULUS + KEY_BYTES))),
                Short.toUnsignedInt(le.getShort(ISVPRODID)),
                Short.toUnsignedInt(le.getShort(ISVSVN)),
                vendor,
                le.getInt(DATE),
                le.getInt(MISCSELECT),
                le.getInt(MISCMASK),
                Hex.of(Arrays.copyOfRange(bytes, ATTRIBUTES, ATTRIBUTES + 16)),
                Hex.of(Arrays.copyOfRange(bytes, ATTRIBUTEMASK, ATTRIBUTEMASK + 16)));
    }

    /** The signed bytes are the two header halves the enclave author controls; everything else is key material. */
    static byte[] signedBytes(byte[] bytes) {
        byte[] data = new byte[256];
        System.arraycopy(bytes, 0, data, 0, 128);
        System.arraycopy(bytes, MISCSELECT, data, 128, 128);
        return data;
    }

    private static void verifySignature(byte[] bytes, BigInteger modulus, BigInteger signature)
            throws EvidenceRejected {
        if (modulus.bitLength() != KEY_BYTES * 8) {
            throw new EvidenceRejected(Reason.MALFORMED, "MODULUS", "not a 3072-bit RSA modulus");
        }
        if (signature.compareTo(modulus) >= 0) {
            throw new EvidenceRejected(Reason.SIGNATURE, "SIGNATURE", "signature is not smaller than the modulus");
        }
        boolean valid;
        try {
            PublicKey key =
                    KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, BigInteger.valueOf(3)));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update(signedBytes(bytes));
            valid = rsa.verify(bigEndian(signature));
        } catch (GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.SIGNATURE, "SIGNATURE", "cannot be verified: " + e.getMessage());
        }
        if (!valid) {
            throw new EvidenceRejected(
                    Reason.SIGNATURE,
                    "SIGNATURE",
                    "RSA-3072 PKCS#1 v1.5 SHA-256 signature does not verify over the signed fields"
                            + " (HEADER..SWDEFINED, MISCSELECT..ISVSVN)");
        }
    }

    // EINIT recomputes Q1 = floor(S^2 / N) and Q2 = floor((S^3 - Q1*S*N) / N); a mismatch makes the CPU refuse it.
    private static void verifyQ1Q2(byte[] bytes, BigInteger modulus, BigInteger signature) throws EvidenceRejected {
        BigInteger q1 = signature.pow(2).divide(modulus);
        BigInteger q2 = signature.pow(3).subtract(q1.multiply(signature).multiply(modulus)).divide(modulus);
        if (!q1.equals(littleEndian(bytes, Q1))) {
            throw new EvidenceRejected(Reason.SIGNATURE, "Q1", "does not equal floor(SIGNATURE^2 / MODULUS)");
        }
        if (!q2.equals(littleEndian(bytes, Q2))) {
            throw new EvidenceRejected(
                    Reason.SIGNATURE, "Q2", "does not equal floor((SIGNATURE^3 - Q1*SIGNATURE*MODULUS) / MODULUS)");
        }
    }

    private static BigInteger littleEndian(byte[] bytes, int offset) {
        byte[] be = new byte[KEY_BYTES];
        for (int i = 0; i < KEY_BYTES; i++) {
            be[i] = bytes[offset + KEY_BYTES - 1 - i];
        }
        return new BigInteger(1, be);
    }

    private static byte[] bigEndian(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[KEY_BYTES];
        int copy = Math.min(raw.length, KEY_BYTES);
        System.arraycopy(raw, raw.length - copy, out, KEY_BYTES - copy, copy);
        return out;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
