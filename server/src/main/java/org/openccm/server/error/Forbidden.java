// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

/** Authenticated, but the caller's role or session does not allow this: 403. */
public final class Forbidden extends ApiException {
    private static final long serialVersionUID = 1L;

    public Forbidden(String message) {
        super(message);
    }

    @Override
    public int status() {
        return 403; // Forbidden
    }

    @Override
    public String code() {
        return "forbidden";
    }
}
