// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

/**
 * Files uploaded with a multipart build request: an SGX SIGSTRUCT and/or nitro-cli measurement JSON. Each is
 * null when not uploaded.
 */
public record BuildFiles(byte[] sigstruct, String nitroMeasurements) {
    public static final BuildFiles NONE = new BuildFiles(null, null);
}
