// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

import org.springframework.http.HttpStatus;

/** Authenticated, but the caller's role or session does not allow this: 403. */
public final class Forbidden extends ApiException {
    private static final long serialVersionUID = 1L;

    public Forbidden(String message) {
        super(message);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.FORBIDDEN;
    }

    @Override
    public String code() {
        return "forbidden";
    }
}
