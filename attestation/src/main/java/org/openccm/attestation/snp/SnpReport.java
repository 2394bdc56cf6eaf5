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

    /**
     * The product, from CPUID_FAM_ID and CPUID_MOD_ID (reports of version 3 and later; empty before): family 0x19
     * models 0x00-0x0F are Milan, 0x10-0x1F and 0xA0-0xAF Genoa, family 0x1A Turin.
     */
    public java.util.Optional<AmdProduct> product() {
        if (version < 3) {
            return java.util.Optional.empty();
        }
        int family = raw[0x188] & 0xff;
        int model = raw[0x189] & 0xff;
        if (family == 0x1A) {
            return java.util.Optional.of(AmdProduct.TURIN);
        }
        if (family == 0x19 && model <= 0x0F) {
            return java.util.Optional.of(AmdProduct.MILAN);
        }
        if (family == 0x19 && (model >= 0x10 && model <= 0x1F || model >= 0xA0 && model <= 0xAF)) {
            return java.util.Optional.of(AmdProduct.GENOA);
        }
        return java.util.Optional.empty();
    }

    public boolean debugAllowed() {
        return (policy & POLICY_DEBUG) != 0;
    }

    public byte[] signedBytes() {
        return Arrays.copyOfRange(raw, 0, SnpReportParser.SIGNATURE_OFFSET);
    }
}
