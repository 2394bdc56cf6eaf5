// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.snp;

import java.util.Arrays;

/**
 * An SEV-SNP ATTESTATION_REPORT (AMD SEV-SNP ABI spec #56860, Table 23), fields as stored. Byte fields are raw;
 * {@link #signedBytes()} is what the VCEK/VLEK signed.
 */
public record SnpReport(
        int version,
        int guestSvn,
        long policy,
        byte[] familyId,
        byte[] imageId,
        int vmpl,
        int signatureAlgo,
        long currentTcb,
        long platformInfo,
        int signingKey,
        byte[] reportData,
        byte[] measurement,
        byte[] hostData,
        byte[] idKeyDigest,
        byte[] authorKeyDigest,
        byte[] reportId,
        long reportedTcb,
        byte[] chipId,
        long committedTcb,
        long launchTcb,
        byte[] signatureR,
        byte[] signatureS,
        byte[] raw) {

    public static final int SIGNING_KEY_VCEK = 0;
    public static final int SIGNING_KEY_VLEK = 1;
    static final long POLICY_DEBUG = 1L << 19;

    public boolean debugAllowed() {
        return (policy & POLICY_DEBUG) != 0;
    }

    public byte[] signedBytes() {
        return Arrays.copyOfRange(raw, 0, SnpReportParser.SIGNATURE_OFFSET);
    }
}
