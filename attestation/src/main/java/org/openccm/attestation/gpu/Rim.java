// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.gpu;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.SortedMap;

/**
 * A verified NVIDIA reference integrity manifest (driver or VBIOS): its version and, per active measurement index
 * (0-based; SPDM block index + 1), the accepted alternatives (lower-case hex); {@code chain} is the verified signing
 * chain, signer first, ending at NVIDIA's CoRIM root (whose certificates an OCSP check may then ask about).
 */
public record Rim(String colloquialVersion, SortedMap<Integer, List<String>> activeMeasurements, List<X509Certificate> chain) {
    public Rim {
        chain = List.copyOf(chain);
    }
}
