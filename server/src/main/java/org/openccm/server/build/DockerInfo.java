// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.util.List;

/** CCM's DockerInfo: the container image an Enclave OS or ACI image is made from. Size in MiB. */
public record DockerInfo(
        String dockerImageName,
        String dockerVersion,
        String dockerImageSha,
        Long dockerImageSize,
        List<ExposedPort> exposedPorts) {

    public record ExposedPort(Integer port, Protocol protocol) {}

    public enum Protocol {
        Tcp,
        Udp,
    }
}
