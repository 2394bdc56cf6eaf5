// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

/** The {@code @PreAuthorize} expressions every handler picks one of; the role hierarchy lives in SecurityConfig. */
public final class Roles {
    /** Any authenticated user, with or without a selected account. */
    public static final String USER = "isAuthenticated()";
    /** Read access in the selected account. */
    public static final String READ = "hasRole('VIEWER')";
    /** Create, change and delete in the selected account. */
    public static final String WRITE = "hasRole('EDITOR')";
    /** Manage members and API keys of the selected account. */
    public static final String ADMIN = "hasRole('ADMIN')";

    private Roles() {}
}
