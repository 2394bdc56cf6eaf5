// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.util.Arrays;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;

/** A TD report body of a TDX quote: 584 bytes (TDX 1.0), or 648 with TEE_TCB_SVN2 and MRSERVICETD (TDX 1.5). */
public record TdReport(
        byte[] teeTcbSvn, byte[] mrSeam, byte[] mrSignerSeam, byte[] seamAttributes, byte[] tdAttributes, byte[] xfam, byte[] mrTd, byte[] mrConfigId, byte[] mrOwner,
        byte[] mrOwnerConfig, byte[] rtmr0, byte[] rtmr1, byte[] rtmr2, byte[] rtmr3, byte[] reportData, byte[] teeTcbSvn2) {

    public static TdReport parse(byte[] b) throws EvidenceRejected {
        if (b.length != 584 && b.length != 648) {
            throw new EvidenceRejected(Reason.MALFORMED, "report", "a TD report body is 584 or 648 bytes, not " + b.length);
        }
        return new TdReport(
                Arrays.copyOfRange(b, 0, 16),
                Arrays.copyOfRange(b, 16, 64),
                Arrays.copyOfRange(b, 64, 112),
                Arrays.copyOfRange(b, 112, 120),
                Arrays.copyOfRange(b, 120, 128),
                Arrays.copyOfRange(b, 128, 136),
                Arrays.copyOfRange(b, 136, 184),
                Arrays.copyOfRange(b, 184, 232),
                Arrays.copyOfRange(b, 232, 280),
                Arrays.copyOfRange(b, 280, 328),
                Arrays.copyOfRange(b, 328, 376),
                Arrays.copyOfRange(b, 376, 424),
                Arrays.copyOfRange(b, 424, 472),
                Arrays.copyOfRange(b, 472, 520),
                Arrays.copyOfRange(b, 520, 584),
                b.length == 648 ? Arrays.copyOfRange(b, 584, 600) : null);
    }

    /** TDATTRIBUTES.DEBUG: the host can read and change the TD's state. */
    public boolean debug() {
        return (tdAttributes[0] & 0x01) != 0;
    }
}
