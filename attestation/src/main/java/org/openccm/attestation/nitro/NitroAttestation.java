// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.nitro;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.SortedMap;

/**
 * A verified Nitro attestation document: what the Nitro Secure Module measured and the values the enclave bound
 * into it. PCRs are lower-case hex. {@code userData}, {@code publicKey} and {@code nonce} are null when absent.
 */
public record NitroAttestation(
        String moduleId,
        Instant timestamp,
        SortedMap<Integer, String> pcrs,
        byte[] userData,
        byte[] publicKey,
        byte[] nonce,
        boolean debug,
        X509Certificate leaf) {

    public String pcr(int index) {
        return pcrs.get(index);
    }
}
