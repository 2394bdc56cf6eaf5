// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one place that spells index keys, so that an image's keys ({@link ReferenceValues#lookupKeys()}) and a
 * measurement's ({@link Measurement#lookupKeys()}) cannot drift apart. Composite identities are hashed so that every
 * key stays short enough for a B-tree index.
 */
final class LookupKeys {
    static final String NO_PCRS = "azure_cvm:no_pcrs";

    private LookupKeys() {}

    static String mrenclave(String mrenclave) {
        return "sgx:mrenclave:" + mrenclave;
    }

    static String mrsigner(String mrsigner, int isvProdId) {
        return "sgx:mrsigner:" + mrsigner + ":" + isvProdId;
    }

    static String nitro(String pcr0, String pcr1, String pcr2) {
        return "nitro:pcr0-2:" + sha256(pcr0 + ":" + pcr1 + ":" + pcr2);
    }

    static String measurement(String measurement) {
        return "sev_snp:measurement:" + measurement;
    }

    static String tdx(String mrtd, String rtmr0, String rtmr1, String rtmr2, String rtmr3) {
        return "tdx:mrtd-rtmr0-3:" + sha256(mrtd + ":" + rtmr0 + ":" + rtmr1 + ":" + rtmr2 + ":" + rtmr3);
    }

    static String hostData(String hostData) {
        return "aci:host_data:" + hostData;
    }

    static String pcr(int index, String value) {
        return "azure_cvm:pcr" + index + ":" + value;
    }

    private static String sha256(String text) {
        try {
            return Hex.of(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
