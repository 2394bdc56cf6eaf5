// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.snp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;

/**
 * Reads the 1184-byte SEV-SNP report. Pure: sizes, versions 2 to 5, the signature algorithm, and must-be-zero
 * ranges; whether the values are acceptable is for the verifier.
 */
public final class SnpReportParser {
    public static final int SIZE = 0x4A0;
    public static final int SIGNATURE_OFFSET = 0x2A0;

    private SnpReportParser() {}

    public static SnpReport parse(byte[] b) throws EvidenceRejected {
        if (b.length != SIZE) {
            throw new EvidenceRejected(Reason.MALFORMED, "report", "expected " + SIZE + " bytes, got " + b.length);
        }
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int version = le.getInt(0x000);
        if (version < 2 || version > 5) {
            throw new EvidenceRejected(Reason.MALFORMED, "VERSION", "report versions 2 to 5 are supported, got " + version);
        }
        int algo = le.getInt(0x034);
        if (algo != 1) {
            throw new EvidenceRejected(Reason.MALFORMED, "SIGNATURE_ALGO", "must be 1 (ECDSA P-384/SHA-384), got " + algo);
        }
        int signerInfo = le.getInt(0x048);
        if ((signerInfo & ~0x1F) != 0) {
            throw new EvidenceRejected(Reason.MALFORMED, "SIGNER_INFO", "reserved bits are set");
        }
        mustBeZero(b, 0x04C, 0x050, "reserved at 0x04C");
        mustBeZero(b, version >= 3 ? 0x18B : 0x188, 0x1A0, "reserved at 0x188");
        mustBeZero(b, version >= 5 ? 0x208 : 0x1F8, SIGNATURE_OFFSET, "reserved at 0x1F8");
        return new SnpReport(
                version,
                le.getInt(0x004),
                le.getLong(0x008),
                slice(b, 0x010, 16),
                slice(b, 0x020, 16),
                le.getInt(0x030),
                algo,
                le.getLong(0x038),
                le.getLong(0x040),
                (signerInfo >>> 2) & 0x7,
                slice(b, 0x050, 64),
                slice(b, 0x090, 48),
                slice(b, 0x0C0, 32),
                slice(b, 0x0E0, 48),
                slice(b, 0x110, 48),
                slice(b, 0x140, 32),
                le.getLong(0x180),
                slice(b, 0x1A0, 64),
                le.getLong(0x1E0),
                le.getLong(0x1F0),
                slice(b, 0x2A0, 72),
                slice(b, 0x2E8, 72),
                b.clone());
    }

    private static void mustBeZero(byte[] b, int from, int to, String field) throws EvidenceRejected {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                throw new EvidenceRejected(
                        Reason.MALFORMED, field, "must be zero, byte 0x" + Integer.toHexString(i) + " is not");
            }
        }
    }

    private static byte[] slice(byte[] b, int offset, int length) {
        return Arrays.copyOfRange(b, offset, offset + length);
    }
}
