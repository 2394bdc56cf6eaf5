// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

/** No valid credentials: 401. The message never says whether the user exists. */
public final class Unauthenticated extends ApiException {
    private static final long serialVersionUID = 1L;

    public Unauthenticated(String message) {
        super(message);
    }

    @Override
    public int status() {
        return 401; // Unauthorized
    }

    @Override
    public String code() {
        return "unauthenticated";
    }
}
