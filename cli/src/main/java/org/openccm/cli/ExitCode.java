// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

/** The exit codes scripts can rely on; the README lists them. */
public final class ExitCode {
    /** Done. */
    public static final int OK = 0;
    /** Something unexpected: a server error (5xx) or a local I/O failure. */
    public static final int FAILED = 1;
    /** The command line is wrong (picocli's usage error). */
    public static final int USAGE = 2;
    /** The server refused the request (4xx): bad input, not found, not allowed, not logged in. */
    public static final int REFUSED = 3;
    /** A check said no: attestation refused, explain not accepted, audit chain broken. */
    public static final int CHECK_FAILED = 4;
    /** The server could not be reached. */
    public static final int UNREACHABLE = 5;

    private ExitCode() {}
}
