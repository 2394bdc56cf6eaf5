// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

public enum TaskType {
    BUILD_WHITELIST,
    DOMAIN_WHITELIST,
}
