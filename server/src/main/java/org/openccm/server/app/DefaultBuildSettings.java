// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

/** CCM's per-app defaults for new images. */
public record DefaultBuildSettings(Sgx sgx, NitroEnclaves nitroEnclaves) {
    // Named as in Fortanix's description: a bare "Sgx" would collide in /v1/openapi.json with the image's SGX attributes.
    @io.swagger.v3.oas.annotations.media.Schema(name = "DefaultSgxBuildSettings")
    public record Sgx(Integer isvprodid, Long memSize, Integer threads) {}

    @io.swagger.v3.oas.annotations.media.Schema(name = "DefaultNitroEnclavesBuildSettings")
    public record NitroEnclaves(Integer cpuCount, Long memSize, Boolean enableOverlayFilesystemPersistence) {}
}
