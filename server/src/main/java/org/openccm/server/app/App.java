// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.Platform;

/**
 * An application of one account. {@code platform} is set for EDP (SGX or NITRO) and Enclave OS (NITRO by
 * default) apps; the other types imply theirs.
 */
public record App(
        UUID id,
        UUID accountId,
        String name,
        String description,
        AppType type,
        Platform platform,
        String inputImageName,
        String outputImageName,
        Integer isvprodid,
        Integer isvsvn,
        Long memSize,
        Integer threads,
        List<String> allowedDomains,
        DefaultBuildSettings defaultBuildSettings,
        AdvancedSettings advancedSettings,
        Map<String, String> labels,
        Map<String, String> customMetadata,
        UUID groupId,
        Instant createdAt,
        Instant updatedAt) {

    /** The platform every image of this app is registered for. */
    public Platform imagePlatform() {
        return switch (type) {
            case EDP, ENCLAVE_OS -> platform;
            case ACI -> Platform.ACI;
            case AZURE_CVM -> Platform.AZURE_CVM;
            case AMD_SEV_SNP -> Platform.SEV_SNP;
            case TDX -> Platform.TDX;
        };
    }
}
