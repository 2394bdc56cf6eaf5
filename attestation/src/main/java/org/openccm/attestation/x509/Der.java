// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.x509;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/** Reads the single-value extensions vendors put in attestation certificates (INTEGER, IA5String, OCTET STRING). */
public final class Der {
    private Der() {}

    /** The DER value of an extension, unwrapped from the OCTET STRING that X509Certificate returns; null if absent. */
    public static byte[] extension(X509Certificate cert, String oid) {
        byte[] wrapped = cert.getExtensionValue(oid);
        return wrapped == null ? null : value(wrapped, 0x04);
    }

    public static BigInteger integer(byte[] der) {
        return new BigInteger(value(der, 0x02));
    }

    public static String ia5(byte[] der) {
        return new String(value(der, 0x16), StandardCharsets.US_ASCII);
    }

    public static byte[] octets(byte[] der) {
        return value(der, 0x04);
    }

    /** The contents of a single TLV with the expected tag spanning the whole input. */
    static byte[] value(byte[] der, int expectedTag) {
        if (der.length < 2 || (der[0] & 0xff) != expectedTag) {
            throw new IllegalArgumentException("expected DER tag 0x" + Integer.toHexString(expectedTag));
        }
        int len = der[1] & 0xff;
        int offset = 2;
        if (len >= 0x80) {
            int bytes = len & 0x7f;
            if (bytes == 0 || bytes > 3 || der.length < 2 + bytes) {
                throw new IllegalArgumentException("unsupported DER length");
            }
            len = 0;
            for (int i = 0; i < bytes; i++) {
                len = (len << 8) | (der[2 + i] & 0xff);
            }
            offset = 2 + bytes;
        }
        if (offset + len != der.length) {
            throw new IllegalArgumentException("DER length does not match the value");
        }
        return Arrays.copyOfRange(der, offset, offset + len);
    }
}
