// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import java.time.Instant;
import java.util.UUID;
import org.openccm.server.identity.Role;

/** One user's decision on a task, bound to the digest of what the task approves. */
public record Vote(
        UUID taskId,
        UUID userId,
        String userEmail,
        Role role,
        UUID apiKeyId,
        Decision decision,
        String comment,
        String subjectSha256,
        Instant at) {

    public enum Decision {
        APPROVED,
        DENIED,
    }
}
