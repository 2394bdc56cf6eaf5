// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

/** PENDING until decided; CANCELLED when what it would approve was deleted first. */
public enum TaskStatus {
    PENDING,
    APPROVED,
    DENIED,
    CANCELLED,
}
