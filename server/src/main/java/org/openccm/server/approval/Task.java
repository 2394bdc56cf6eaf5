// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import java.time.Instant;
import java.util.UUID;

/**
 * A request to approve one object. {@code subjectSha256} is the SHA-256 of the canonical text of the values being
 * approved (an image's reference values, a domain name), fixed when the task is created.
 */
public record Task(
        UUID id,
        UUID accountId,
        TaskType type,
        UUID entityId,
        UUID appId,
        TaskStatus status,
        String subjectSha256,
        String description,
        UUID requesterUserId,
        Instant createdAt,
        Instant statusUpdatedAt) {}
