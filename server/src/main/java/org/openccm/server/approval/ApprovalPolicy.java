// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.openccm.server.identity.Role;

/**
 * How many distinct users with which roles must approve, and whether the requester may be one of them. Applies
 * to an account ({@code groupId} null) or overrides it for one group.
 */
public record ApprovalPolicy(UUID groupId, int requiredApprovals, boolean separationOfDuties, Set<Role> approverRoles) {
    /** CCM's behaviour: a single ADMIN or EDITOR decides. */
    public static final ApprovalPolicy DEFAULT = new ApprovalPolicy(null, 1, false, Set.of(Role.ADMIN, Role.EDITOR));

    public static final int MAX_REQUIRED_APPROVALS = 25;

    String rolesText() {
        return String.join(",", approverRoles.stream().sorted().map(Role::name).toList());
    }

    static Set<Role> parseRoles(String text) {
        return Set.copyOf(List.of(text.split(",")).stream().map(Role::valueOf).toList());
    }
}
