// SPDX-License-Identifier: Apache-2.0
/**
 * Who acts: the authenticated {@link org.openccm.server.identity.Caller} of a request and the
 * {@link org.openccm.server.identity.Actor} it appears as in the audit log. Every feature depends on these and they
 * depend on no feature, which keeps account and audit from depending on each other.
 */
package org.openccm.server.identity;
