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
        /** The bytes do not parse as the format. */
        MALFORMED,
        /** A signature over the evidence or a reference-value file does not verify. */
        SIGNATURE,
        /** A certificate of the chain is broken or not issued by the next one. */
        CHAIN,
        /** A certificate is outside its validity window at the verification instant. */
        EXPIRED,
        /** A certificate that issued another is not a CA: no CA basic constraint, no keyCertSign, or past a path length. */
        ISSUER_NOT_CA,
        /** The chain does not end in a pinned vendor root. */
        WRONG_ROOT,
        /** A measurement value is malformed or not the expected one. */
        MEASUREMENT,
        /** A value that must bind two structures together (key, report data, chip id, TCB) does not. */
        BINDING,
        /** The workload runs in debug mode, which voids its isolation. */
        DEBUG,
        /** The platform's security version is not what the signing certificate was issued for. */
        TCB,
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
