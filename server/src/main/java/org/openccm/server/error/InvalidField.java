// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

/** A request field breaks a rule: 400 naming the field (JSON path, e.g. {@code attributes.nitro_enclave.pcr0}). */
public final class InvalidField extends ApiException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidField(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
    }

    @Override
    public int status() {
        return 400; // Bad Request
    }

    @Override
    public String code() {
        return "invalid_field";
    }

    @Override
    public String field() {
        return field;
    }
}
