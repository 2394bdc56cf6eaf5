// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.snp;

/** The EPYC generations OpenCCM has AMD roots for; each signs its VCEKs with its own ASK/ASVK and ARK. */
public enum AmdProduct {
    MILAN("Milan"),
    GENOA("Genoa"),
    TURIN("Turin");

    private final String kdsName;

    AmdProduct(String kdsName) {
        this.kdsName = kdsName;
    }

    /** The name AMD's KDS and certificates use ("Milan", and "Milan-B0" in a VCEK's productName). */
    public String kdsName() {
        return kdsName;
    }

    /** The product named by a VCEK/VLEK productName extension, e.g. "Milan-B0" or "Genoa". */
    public static AmdProduct fromProductName(String productName) {
        for (AmdProduct p : values()) {
            if (productName.equals(p.kdsName) || productName.startsWith(p.kdsName + "-")) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown AMD product " + productName);
    }
}
