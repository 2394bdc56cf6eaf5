// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;

/**
 * An Intel DCAP ECDSA quote: v3 (SGX), v4 (SGX or TDX 1.0) or v5 (body descriptor; SGX, TD 1.0 or TD 1.5). What
 * the quote signs is header ‖ body; the signature data carries the attestation key, the quoting enclave's report
 * certifying it (signed by the PCK) and the PCK certificate chain. Bytes after the signature data are padding.
 */
public record DcapQuote(
        int version,
        boolean tdx,
        byte[] signedBytes,
        byte[] body,
        byte[] signature,
        byte[] attestationKey,
        byte[] qeReport,
        byte[] qeReportSignature,
        byte[] qeAuthData,
        int certificationType,
        byte[] certificationData) {
    static final int TEE_SGX = 0x00000000;
    static final int TEE_TDX = 0x00000081;

    public static DcapQuote parse(byte[] q) throws EvidenceRejected {
        Reader r = new Reader(q);
        int version = r.u16(0);
        if (version < 3 || version > 5) {
            throw malformed("quote version " + version + " is not 3, 4 or 5");
        }
        if (r.u16(2) != 2) {
            throw malformed("attestation key type " + r.u16(2) + " is not ECDSA-256-with-P-256 (2)");
        }
        int tee = version == 3 ? TEE_SGX : (int) r.u32(4);
        if (tee != TEE_SGX && tee != TEE_TDX) {
            throw malformed("TEE type 0x" + Integer.toHexString(tee) + " is neither SGX nor TDX");
        }
        int bodyStart;
        int bodyLength;
        boolean tdx = tee == TEE_TDX;
        if (version == 5) {
            int type = r.u16(48);
            bodyLength = (int) r.u32(50);
            bodyStart = 54;
            boolean expected = switch (type) {
                case 1 -> !tdx && bodyLength == EnclaveReport.SIZE;
                case 2 -> tdx && bodyLength == 584;
                case 3 -> tdx && bodyLength == 648;
                default -> false;
            };
            if (!expected) {
                throw malformed("body type " + type + " of " + bodyLength + " bytes does not fit a " + (tdx ? "TDX" : "SGX") + " quote");
            }
        } else {
            bodyStart = 48;
            bodyLength = tdx ? 584 : EnclaveReport.SIZE;
        }
        int signedEnd = bodyStart + bodyLength;
        long sigLength = r.u32(signedEnd);
        int p = signedEnd + 4;
        r.need(p, sigLength);
        byte[] signature = r.bytes(p, 64);
        byte[] key = r.bytes(p + 64, 64);
        p += 128;
        if (version >= 4) {
            int outerType = r.u16(p);
            long outerSize = r.u32(p + 2);
            if (outerType != 6) {
                throw malformed("certification data type " + outerType + " is not the QE report certification data (6)");
            }
            p += 6;
            r.need(p, outerSize);
        }
        byte[] qeReport = r.bytes(p, EnclaveReport.SIZE);
        byte[] qeSignature = r.bytes(p + EnclaveReport.SIZE, 64);
        p += EnclaveReport.SIZE + 64;
        int authLength = r.u16(p);
        byte[] auth = r.bytes(p + 2, authLength);
        p += 2 + authLength;
        int certType = r.u16(p);
        int certSize = (int) r.u32(p + 2);
        byte[] certData = r.bytes(p + 6, certSize);
        return new DcapQuote(version, tdx, Arrays.copyOfRange(q, 0, signedEnd), Arrays.copyOfRange(q, bodyStart, signedEnd),
                signature, key, qeReport, qeSignature, auth, certType, certData);
    }

    /** What certification data of type 2 or 3 asks Intel for; null when the quote carries its PCK chain. */
    public PckRequest pckRequest() throws EvidenceRejected {
        return PckRequest.of(certificationType, certificationData);
    }

    public EnclaveReport enclaveReport() throws EvidenceRejected {
        if (tdx) {
            throw new IllegalStateException("a TDX quote has a TD report");
        }
        return EnclaveReport.parse(body);
    }

    public TdReport tdReport() throws EvidenceRejected {
        if (!tdx) {
            throw new IllegalStateException("an SGX quote has an enclave report");
        }
        return TdReport.parse(body);
    }

    private static EvidenceRejected malformed(String why) {
        return new EvidenceRejected(Reason.MALFORMED, "quote", why);
    }

    private record Reader(byte[] b) {
        void need(int at, long length) throws EvidenceRejected {
            if (at < 0 || length < 0 || at + length > b.length) {
                throw malformed("truncated at byte " + at + " (needs " + length + " more)");
            }
        }

        int u16(int at) throws EvidenceRejected {
            need(at, 2);
            return ByteBuffer.wrap(b, at, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        }

        long u32(int at) throws EvidenceRejected {
            need(at, 4);
            return ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        }

        byte[] bytes(int at, int length) throws EvidenceRejected {
            need(at, length);
            return Arrays.copyOfRange(b, at, at + length);
        }
    }
}
