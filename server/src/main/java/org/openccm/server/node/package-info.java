// SPDX-License-Identifier: Apache-2.0
/**
 * Nodes (Fortanix CCM's /v1/nodes): every attested workload instance, what it measured, the image it matched, when
 * it last attested, and the certificates issued to it; deactivating a node revokes them.
 */
package org.openccm.server.node;
