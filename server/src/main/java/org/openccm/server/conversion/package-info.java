// SPDX-License-Identifier: Apache-2.0
/**
 * Turning container images into enclave images. {@code eif/} builds AWS Nitro Enclave Image Files and their
 * measurements byte for byte as nitro-cli does; it is pure code with no Spring in it.
 */
package org.openccm.server.conversion;
