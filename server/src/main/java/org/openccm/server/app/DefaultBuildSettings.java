// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

/** CCM's per-app defaults for new images. */
public record DefaultBuildSettings(Sgx sgx, NitroEnclaves nitroEnclaves) {
    public record Sgx(Integer isvprodid, Long memSize, Integer threads) {}

    public record NitroEnclaves(Integer cpuCount, Long memSize, Boolean enableOverlayFilesystemPersistence) {}
}
