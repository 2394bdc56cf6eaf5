// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

/**
 * Evidence or a reference-value document failed one named check. The reason says which check, the detail names
 * the field in the vendor's terms so that an operator can tell a tampered file from a truncated one.
 */
public final class EvidenceRejected extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which check failed; each has its own test. */
    public enum Reason {
        MALFORMED,
        SIGNATURE,
        MEASUREMENT,
    }

    private final Reason reason;
    private final String field;

    public EvidenceRejected(Reason reason, String field, String detail) {
        super(field + ": " + detail);
        this.reason = reason;
        this.field = field;
    }

    public Reason reason() {
        return reason;
    }

    /** The field of the format that failed, e.g. {@code SIGNATURE} or {@code Measurements.PCR0}. */
    public String field() {
        return field;
    }
}
