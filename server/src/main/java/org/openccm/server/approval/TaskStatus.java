// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * PENDING until decided; CANCELLED when what it would approve was deleted first. On the wire these are Fortanix
 * CCM's TaskStatusType spellings (INPROGRESS, SUCCESS, DENIED, FAILED); OpenCCM's earlier names are still accepted
 * in filters and bodies.
 */
public enum TaskStatus {
    @JsonProperty("INPROGRESS")
    @JsonAlias("PENDING")
    PENDING,
    @JsonProperty("SUCCESS")
    @JsonAlias("APPROVED")
    APPROVED,
    DENIED,
    @JsonProperty("FAILED")
    @JsonAlias("CANCELLED")
    CANCELLED,
}
