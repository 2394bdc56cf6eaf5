// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.identity;

/** A user's role in one account. ADMIN includes EDITOR, which includes VIEWER. */
public enum Role {
    VIEWER,
    EDITOR,
    ADMIN;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public static Role lower(Role a, Role b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
