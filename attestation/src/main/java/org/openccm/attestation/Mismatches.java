// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.util.List;
import java.util.Objects;

/** Comparisons shared by the {@link Measurement} records. */
final class Mismatches {
    private Mismatches() {}

    static void differs(List<Mismatch> out, String field, String expected, String measured) {
        if (!Objects.equals(expected, measured)) {
            out.add(new Mismatch(field, expected, measured));
        }
    }

    static List<Mismatch> platform(ReferenceValues expected, Measurement measured) {
        return List.of(new Mismatch("platform", expected.platform().name(), measured.platform().name()));
    }
}
