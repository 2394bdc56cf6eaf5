// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

/** A refusal with a status and a message meant for the API's user; never carries internals. */
public abstract class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected ApiException(String message) {
        super(message);
    }

    /** The HTTP status code of the answer; a number, so that domain code needs no web types. */
    public abstract int status();

    /** A short stable code for clients, e.g. {@code invalid_field}. */
    public abstract String code();

    /** The request field the error is about, when there is one. */
    public String field() {
        return null;
    }

    /** For refused evidence: which check failed (SIGNATURE, CHAIN, ...). */
    public String reason() {
        return null;
    }
}
