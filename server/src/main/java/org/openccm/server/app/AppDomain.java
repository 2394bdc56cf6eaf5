// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

import java.time.Instant;
import java.util.UUID;

/** One domain name an app asked for, and whether it was approved: only APPROVED names go into certificates. */
public record AppDomain(UUID appId, String name, Status status, UUID taskId, Instant statusUpdatedAt) {
    public enum Status {
        PENDING,
        APPROVED,
        REJECTED,
    }
}
