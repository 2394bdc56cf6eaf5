// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.gpu;

import java.util.SortedMap;

/**
 * A verified NVIDIA GPU attestation report: the SPDM measurement blocks (index to lower-case hex), the nonce it
 * answered, and what its opaque data says about the firmware it runs.
 */
public record GpuAttestation(SortedMap<Integer, String> measurements, byte[] nonce, String driverVersion, String vbiosVersion, String fwid) {}
