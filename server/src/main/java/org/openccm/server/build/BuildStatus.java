// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

/** Approval state of an image: only WHITELISTED images are trusted. */
public enum BuildStatus {
    PENDING,
    WHITELISTED,
    REJECTED,
}
