// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.util.HexFormat;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;

/**
 * What a quote without its PCK certificate chain says instead (certification data type 2 or 3): the PPID encrypted
 * for Intel (RSA-2048 or RSA-3072), the platform's raw CPUSVN, PCESVN and PCE ID; Intel PCS's
 * {@code GET /sgx/certification/v4/pckcert} answers the PCK certificate for them. Values are hex of the quote's bytes
 * (PCESVN and PCE ID little-endian, as PCS takes them).
 */
public record PckRequest(String encryptedPpid, String cpuSvn, String pceSvn, String pceId) {
    /** The request a quote's certification data makes, or null when the quote carries its PCK chain (type 5). */
    static PckRequest of(int type, byte[] data) throws EvidenceRejected {
        int ppid = switch (type) {
            case 2 -> 256;
            case 3 -> 384;
            default -> -1;
        };
        if (ppid < 0) {
            return null;
        }
        if (data.length != ppid + 16 + 2 + 2) {
            throw new EvidenceRejected(Reason.MALFORMED, "quote.certification_data",
                    "type " + type + " must be " + (ppid + 20) + " bytes (encrypted PPID, CPUSVN, PCESVN, PCE ID), not " + data.length);
        }
        HexFormat hex = HexFormat.of();
        return new PckRequest(hex.formatHex(data, 0, ppid), hex.formatHex(data, ppid, ppid + 16), hex.formatHex(data, ppid + 16, ppid + 18),
                hex.formatHex(data, ppid + 18, ppid + 20));
    }
}
