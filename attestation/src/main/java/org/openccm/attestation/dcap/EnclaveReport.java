// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;

/** An SGX REPORT body (384 bytes): the application enclave's, or the quoting enclave's inside a DCAP quote. */
public record EnclaveReport(
        byte[] cpuSvn, long miscSelect, byte[] attributes, byte[] mrEnclave, byte[] mrSigner, int isvProdId, int isvSvn,
        byte[] reportData, byte[] raw) {
    public static final int SIZE = 384;

    public static EnclaveReport parse(byte[] b) throws EvidenceRejected {
        if (b.length != SIZE) {
            throw new EvidenceRejected(Reason.MALFORMED, "report", "an SGX report body is 384 bytes, not " + b.length);
        }
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return new EnclaveReport(
                Arrays.copyOfRange(b, 0, 16),
                le.getInt(16) & 0xffffffffL,
                Arrays.copyOfRange(b, 48, 64),
                Arrays.copyOfRange(b, 64, 96),
                Arrays.copyOfRange(b, 128, 160),
                le.getShort(256) & 0xffff,
                le.getShort(258) & 0xffff,
                Arrays.copyOfRange(b, 320, 384),
                b.clone());
    }

    /** ATTRIBUTES.DEBUG: the enclave's memory can be read by a debugger. */
    public boolean debug() {
        return (attributes[0] & 0x02) != 0;
    }
}
