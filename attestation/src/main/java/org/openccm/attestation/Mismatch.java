// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

/** One reference value that the measurement does not have: the field in the image API's terms, both values. */
public record Mismatch(String field, String expected, String measured) {
    @Override
    public String toString() {
        return field + " differs: image " + expected + ", measured " + measured;
    }
}
