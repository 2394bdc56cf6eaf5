// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

/** The object does not exist in the caller's account; another account's objects are reported the same way. */
public final class NotFound extends ApiException {
    private static final long serialVersionUID = 1L;

    public NotFound(String what, Object id) {
        super(what + " " + id + " not found");
    }

    @Override
    public int status() {
        return 404; // Not Found
    }

    @Override
    public String code() {
        return "not_found";
    }
}
