// SPDX-License-Identifier: Apache-2.0
/** Each account's certificate authority, the certificates it issues to attested workloads, and their revocation. */
package org.openccm.server.pki;
