// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.app.AdvancedSettings;

/** A build request after validation: normalized, defaults applied, ready to be stored. */
public record Registration(
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
        UUID groupId) {}
