// SPDX-License-Identifier: Apache-2.0
/** Saved container-registry credentials of an account, sealed under the master key and never shown again. */
package org.openccm.server.registry;
