// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.openccm.server.identity.Role;

/**
 * A request to approve one object. {@code subject} is the canonical text of the values being approved (an image's
 * reference values, a domain name) and {@code subjectSha256} its digest, fixed when the task is opened, as is the
 * approval policy the task follows.
 */
public record Task(
        UUID id,
        UUID accountId,
        TaskType type,
        UUID entityId,
        UUID appId,
        UUID groupId,
        TaskStatus status,
        String subject,
        String subjectSha256,
        String description,
        UUID requesterUserId,
        int requiredApprovals,
        boolean separationOfDuties,
        Set<Role> approverRoles,
        Instant createdAt,
        Instant statusUpdatedAt) {

    Task withStatus(TaskStatus newStatus, Instant at) {
        return new Task(
                id, accountId, type, entityId, appId, groupId, newStatus, subject, subjectSha256, description,
                requesterUserId, requiredApprovals, separationOfDuties, approverRoles, createdAt, at);
    }
}
