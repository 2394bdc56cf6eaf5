// SPDX-License-Identifier: Apache-2.0
/**
 * The server's own secrets: the master key that seals every stored secret, and the signing keys made once per purpose
 * (collateral bundles, audit checkpoints). Depends on no feature, so that every feature may use it.
 */
package org.openccm.server.keys;
