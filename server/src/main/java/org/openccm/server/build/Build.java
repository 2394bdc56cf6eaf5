// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.time.Instant;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.app.AdvancedSettings;

/**
 * A registered image. Reference values are normalized (lower-case hex, defaults applied) before they are stored;
 * {@code identitySha256} is the SHA-256 of their canonical text ({@link ReferenceValueText}).
 */
public record Build(
        UUID id,
        UUID accountId,
        UUID appId,
        Platform platform,
        DockerInfo dockerInfo,
        String mrenclave,
        String mrsigner,
        Integer isvprodid,
        Integer isvsvn,
        ImageAttributes attributes,
        AdvancedSettings advancedSettings,
        LaunchHint launchHint,
        Long memSize,
        Integer threads,
        boolean enableOverlayFilesystemPersistence,
        UUID groupId,
        String identitySha256,
        BuildStatus status,
        Instant statusUpdatedAt,
        DeploymentStatus deploymentStatus,
        Instant deploymentStatusUpdatedAt,
        UUID pendingTaskId,
        UUID createdBy,
        Instant createdAt,
        Instant updatedAt,
        java.util.Map<String, Object> configs) {

    /** A build without Fortanix's configs (every one OpenCCM makes itself). */
    public Build(
            UUID id, UUID accountId, UUID appId, Platform platform, DockerInfo dockerInfo, String mrenclave, String mrsigner,
            Integer isvprodid, Integer isvsvn, ImageAttributes attributes, AdvancedSettings advancedSettings, LaunchHint launchHint,
            Long memSize, Integer threads, boolean enableOverlayFilesystemPersistence, UUID groupId, String identitySha256,
            BuildStatus status, Instant statusUpdatedAt, DeploymentStatus deploymentStatus, Instant deploymentStatusUpdatedAt,
            UUID pendingTaskId, UUID createdBy, Instant createdAt, Instant updatedAt) {
        this(id, accountId, appId, platform, dockerInfo, mrenclave, mrsigner, isvprodid, isvsvn, attributes, advancedSettings, launchHint,
                memSize, threads, enableOverlayFilesystemPersistence, groupId, identitySha256, status, statusUpdatedAt, deploymentStatus,
                deploymentStatusUpdatedAt, pendingTaskId, createdBy, createdAt, updatedAt, java.util.Map.of());
    }
}
