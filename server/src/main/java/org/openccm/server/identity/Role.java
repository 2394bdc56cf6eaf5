// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.identity;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * A user's role in one account. ADMIN includes EDITOR, which includes VIEWER. Fortanix CCM's names for the same roles
 * (READER, WRITER, MANAGER) are accepted wherever a role is sent, and returned beside ours as {@code roles}.
 */
public enum Role {
    @JsonAlias("READER")
    VIEWER,
    @JsonAlias("WRITER")
    EDITOR,
    @JsonAlias("MANAGER")
    ADMIN;

    /** Fortanix CCM's name of this role (its AccessRoles enum). */
    public String fortanixName() {
        return switch (this) {
            case VIEWER -> "READER";
            case EDITOR -> "WRITER";
            case ADMIN -> "MANAGER";
        };
    }

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public static Role lower(Role a, Role b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
