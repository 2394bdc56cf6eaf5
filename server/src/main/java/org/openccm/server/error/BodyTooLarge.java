// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

import java.io.IOException;

/** Raised while reading a request body past the configured limit; an IOException so readers pass it on. */
public final class BodyTooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    public BodyTooLarge(long limit) {
        super("request body exceeds " + limit + " bytes");
    }
}
