// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.identity;

import java.util.UUID;

/** Who caused an audited change: a user (possibly through one of their API keys), or OpenCCM itself. */
public record Actor(UUID userId, String email, UUID apiKeyId) {
    public static final Actor SYSTEM = new Actor(null, "system", null);
}
