// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.util.UUID;
import org.openccm.server.app.AdvancedSettings;
import tools.jackson.databind.JsonNode;

/**
 * CCM's CreateBuildRequest, field for field, plus two OpenCCM additions that fill the reference values from the
 * files the tools produce: {@code sigstruct} (base64 of an SGX SIGSTRUCT) and {@code nitro_measurements} (the JSON
 * that {@code nitro-cli build-enclave} prints, as an object or as a string).
 */
public record CreateBuildRequest(
        DockerInfo dockerInfo,
        String mrenclave,
        String mrsigner,
        Integer isvprodid,
        Integer isvsvn,
        UUID appId,
        String appName,
        Long memSize,
        Integer threads,
        ImageAttributes attributes,
        AdvancedSettings advancedSettings,
        LaunchHint launchHint,
        Boolean enableOverlayFilesystemPersistence,
        UUID groupId,
        String sigstruct,
        JsonNode nitroMeasurements) {}
