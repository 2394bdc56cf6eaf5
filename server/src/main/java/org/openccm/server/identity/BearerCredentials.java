// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.identity;

import java.util.Optional;

/**
 * A kind of bearer credential a feature issues (session tokens and API keys in account/, join tokens in zone/).
 * The bearer filter asks each in turn, so that the feature that authenticates does not depend on those that issue.
 */
public interface BearerCredentials {
    /** The caller this credential stands for, or empty when it is not one of this kind or not valid now. */
    Optional<Caller> authenticate(String bearer);
}
