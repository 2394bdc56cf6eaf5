// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.gpu;

import java.util.List;
import java.util.SortedMap;

/**
 * A verified NVIDIA reference integrity manifest (driver or VBIOS): its version and, per active measurement index
 * (0-based; SPDM block index + 1), the accepted alternatives (lower-case hex).
 */
public record Rim(String colloquialVersion, SortedMap<Integer, List<String>> activeMeasurements) {}
