// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

/** The request contradicts what is stored (a duplicate, or a state that forbids it): 409. */
public final class Conflict extends ApiException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public Conflict(String field, String message) {
        super(message);
        this.field = field;
    }

    @Override
    public int status() {
        return 409; // Conflict
    }

    @Override
    public String code() {
        return "conflict";
    }

    @Override
    public String field() {
        return field;
    }
}
