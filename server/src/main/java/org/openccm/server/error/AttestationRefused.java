// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

/** Evidence that was read but not accepted: 422 with the failed check and the field it concerns. */
public final class AttestationRefused extends ApiException {
    private static final long serialVersionUID = 1L;
    private final String reason;
    private final String field;

    public AttestationRefused(String reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    @Override
    public int status() {
        return 422; // Unprocessable Content
    }

    @Override
    public String code() {
        return "attestation_refused";
    }

    @Override
    public String field() {
        return field;
    }

    @Override
    public String reason() {
        return reason;
    }
}
