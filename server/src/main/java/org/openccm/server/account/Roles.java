// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

/** The {@code @PreAuthorize} expressions every handler picks one of; the role hierarchy lives in SecurityConfig. */
public final class Roles {
    /** The authority of every user and API key; a workload never has it. */
    public static final String USER_ROLE = "USER";
    /** The authority of a workload holding a join token: it may attest into its zone, nothing else. */
    public static final String WORKLOAD_ROLE = "WORKLOAD";
    /** Any authenticated user, with or without a selected account (never a workload). */
    public static final String USER = "hasRole('USER')";
    /** Read access in the selected account. */
    public static final String READ = "hasRole('VIEWER')";
    /** Create, change and delete in the selected account. */
    public static final String WRITE = "hasRole('EDITOR')";
    /** Attest: an editor of the selected account, or a workload with a join token of one of its zones. */
    public static final String ATTEST = "hasRole('EDITOR') or hasRole('WORKLOAD')";
    /** Manage members and API keys of the selected account. */
    public static final String ADMIN = "hasRole('ADMIN')";

    private Roles() {}
}
