// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.util.Map;
import java.util.TreeMap;

/** CCM's {@code azure_cvm.pcrs}: the SHA-256 bank of a vTPM, each PCR optional, 64 hex characters. */
public record AzureCvmPcrs(
        HashAlg hashAlg,
        String pcr0,
        String pcr1,
        String pcr2,
        String pcr3,
        String pcr4,
        String pcr5,
        String pcr6,
        String pcr7,
        String pcr8,
        String pcr9,
        String pcr10,
        String pcr11,
        String pcr12,
        String pcr13,
        String pcr14,
        String pcr15,
        String pcr16,
        String pcr17,
        String pcr18,
        String pcr19,
        String pcr20,
        String pcr21,
        String pcr22) {
    public static final int COUNT = 23;

    public enum HashAlg {
        SHA256,
    }

    /** The PCRs that are set, by index. */
    public Map<Integer, String> values() {
        String[] all = {pcr0, pcr1, pcr2, pcr3, pcr4, pcr5, pcr6, pcr7, pcr8, pcr9, pcr10, pcr11, pcr12, pcr13, pcr14, pcr15, pcr16, pcr17, pcr18, pcr19, pcr20, pcr21, pcr22};
        Map<Integer, String> set = new TreeMap<>();
        for (int i = 0; i < all.length; i++) {
            if (all[i] != null) {
                set.put(i, all[i]);
            }
        }
        return set;
    }

    /** The same bank with {@code normalize(index, value)} applied to every PCR that is set. */
    public AzureCvmPcrs map(java.util.function.BiFunction<Integer, String, String> normalize) {
        String[] all = {pcr0, pcr1, pcr2, pcr3, pcr4, pcr5, pcr6, pcr7, pcr8, pcr9, pcr10, pcr11, pcr12, pcr13, pcr14, pcr15, pcr16, pcr17, pcr18, pcr19, pcr20, pcr21, pcr22};
        for (int i = 0; i < all.length; i++) {
            if (all[i] != null) {
                all[i] = normalize.apply(i, all[i]);
            }
        }
        return new AzureCvmPcrs(hashAlg, all[0], all[1], all[2], all[3], all[4], all[5], all[6], all[7], all[8], all[9], all[10], all[11], all[12], all[13], all[14], all[15], all[16], all[17], all[18], all[19], all[20], all[21], all[22]);
    }
}
