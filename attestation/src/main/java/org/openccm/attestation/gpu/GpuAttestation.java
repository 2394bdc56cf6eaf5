// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.gpu;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;

/**
 * A verified NVIDIA GPU attestation report: the SPDM measurement blocks (index to lower-case hex), the nonce it
 * answered, what its opaque data says about the firmware it runs and the board it is (project, project SKU, chip SKU:
 * they name the VBIOS RIM), and the verified device chain (leaf first, ending at NVIDIA's Device Identity CA).
 */
public record GpuAttestation(
        SortedMap<Integer, String> measurements,
        byte[] nonce,
        String driverVersion,
        String vbiosVersion,
        String fwid,
        String project,
        String projectSku,
        String chipSku,
        List<X509Certificate> certificateChain) {
    public GpuAttestation {
        certificateChain = List.copyOf(certificateChain);
    }

    /** The id of the driver's RIM at NVIDIA's RIM service (Hopper): {@code NV_GPU_DRIVER_GH100_<version>}. */
    public String driverRimId() {
        return "NV_GPU_DRIVER_GH100_" + driverVersion;
    }

    /**
     * The id of the VBIOS's RIM at NVIDIA's RIM service: {@code NV_GPU_VBIOS_<project>_<project SKU>_<chip SKU>_<version>},
     * the version without its dots, all upper case (e.g. NV_GPU_VBIOS_1010_0200_882_960074001A).
     */
    public String vbiosRimId() {
        return ("NV_GPU_VBIOS_" + project + "_" + projectSku + "_" + chipSku + "_" + (vbiosVersion == null ? null : vbiosVersion.replace(".", "")))
                .toUpperCase(Locale.ROOT);
    }
}
