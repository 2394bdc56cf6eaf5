// SPDX-License-Identifier: Apache-2.0
/**
 * Approval tasks: every image and every domain name starts untrusted and waits in a task, bound to the digest
 * of the exact values to approve.
 */
package org.openccm.server.approval;
