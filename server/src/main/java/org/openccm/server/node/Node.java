// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.node;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.Platform;

/** An attested workload instance, named within its zone. */
public record Node(
        UUID id,
        UUID accountId,
        UUID zoneId,
        String name,
        Platform platform,
        UUID appId,
        UUID buildId,
        Map<String, String> measured,
        Status status,
        long attestationCount,
        Instant createdAt,
        Instant statusUpdatedAt,
        Instant attestedAt,
        String description,
        Map<String, String> labels,
        Provisioned provisioned) {

    /** What a node's agent said when it provisioned the node (Fortanix's NodeProvisionRequest); null for the others. */
    public record Provisioned(String ipaddress, String agentVersion, Map<String, Object> sysInfo) {}

    /** Fortanix's NodeStatusType values that OpenCCM uses. */
    public enum Status {
        PROVISIONED,
        RUNNING,
        DEACTIVATED,
    }
}
