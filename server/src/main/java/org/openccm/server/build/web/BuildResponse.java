// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build.web;

import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.app.AdvancedSettings;
import org.openccm.server.app.App;
import org.openccm.server.build.Build;
import org.openccm.server.build.BuildStatus;
import org.openccm.server.build.DeploymentStatus;
import org.openccm.server.build.DockerInfo;
import org.openccm.server.build.ImageAttributes;
import org.openccm.server.build.LaunchHint;

/**
 * CCM's Build object, plus {@code platform}. Times are seconds since the epoch, as in CCM. {@code attributes} has
 * the shape Fortanix's API description gives it, a map from a name to one platform's attributes; an OpenCCM image
 * has one, answered under {@value #ATTRIBUTES_NAME} ({@code {"default": {"nitro_enclave": {...}}}}). Requests may
 * send that map (any one name) or the platform object alone. {@code build_name} and {@code marketplace_build_id} name
 * Fortanix's curated apps and marketplace, which OpenCCM does not have: never set.
 */
public record BuildResponse(
        UUID buildId,
        Platform platform,
        DockerInfo dockerInfo,
        long createdAt,
        long updatedAt,
        UUID appId,
        String appName,
        String appDescription,
        Status status,
        DeploymentStatusInfo deploymentStatus,
        EnclaveInfo enclaveInfo,
        Map<String, ImageAttributes> attributes,
        Long memSize,
        Integer threads,
        AdvancedSettings advancedSettings,
        UUID pendingTaskId,
        Map<String, Object> configs,
        LaunchHint launchHint,
        boolean enableOverlayFilesystemPersistence,
        UUID groupId,
        String buildName,
        UUID marketplaceBuildId) {

    /** The name an image's one set of attributes is answered under. */
    public static final String ATTRIBUTES_NAME = "default";

    record Status(BuildStatus status, long statusUpdatedAt) {}

    record DeploymentStatusInfo(DeploymentStatus status, long statusUpdatedAt) {}

    record EnclaveInfo(String mrenclave, String mrsigner, Integer isvprodid, Integer isvsvn) {}

    public static BuildResponse of(Build b, App app) {
        return new BuildResponse(
                b.id(),
                b.platform(),
                b.dockerInfo(),
                b.createdAt().getEpochSecond(),
                b.updatedAt().getEpochSecond(),
                b.appId(),
                app == null ? null : app.name(),
                app == null ? null : app.description(),
                new Status(b.status(), b.statusUpdatedAt().getEpochSecond()),
                new DeploymentStatusInfo(b.deploymentStatus(), b.deploymentStatusUpdatedAt().getEpochSecond()),
                b.platform() == Platform.SGX
                        ? new EnclaveInfo(b.mrenclave(), b.mrsigner(), b.isvprodid(), b.isvsvn())
                        : null,
                b.attributes() == null ? null : Map.of(ATTRIBUTES_NAME, b.attributes()),
                b.memSize(),
                b.threads(),
                b.advancedSettings(),
                b.pendingTaskId(),
                b.configs(),
                b.launchHint(),
                b.enableOverlayFilesystemPersistence(),
                b.groupId(),
                null,
                null);
    }
}
