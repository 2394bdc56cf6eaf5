// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.nitro;

import java.util.Optional;
import java.util.SortedMap;

/**
 * The PCRs of an Enclave Image File as {@code nitro-cli build-enclave} prints them: SHA-384, 96 lower-case hex
 * characters each. PCR8 exists only for a signed EIF.
 */
public record NitroMeasurements(SortedMap<Integer, String> pcrs) {
    public NitroMeasurements {
        pcrs = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(pcrs));
    }

    public String pcr0() {
        return pcrs.get(0);
    }

    public String pcr1() {
        return pcrs.get(1);
    }

    public String pcr2() {
        return pcrs.get(2);
    }

    public Optional<String> pcr8() {
        return Optional.ofNullable(pcrs.get(8));
    }
}
