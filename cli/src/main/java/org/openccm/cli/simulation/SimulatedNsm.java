// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli.simulation;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openccm.attestation.cbor.Cbor;

/**
 * A simulated Nitro Secure Module: attestation documents in AWS's format (COSE_Sign1, ES384) for the given PCR0-2,
 * signed by an enclave certificate that the simulation's Nitro root issued, as AWS's root does for real enclaves.
 */
public final class SimulatedNsm {
    private final SimulationAuthority authority;
    private final List<String> pcr012;
    private final KeyPair enclaveKey = SimulationAuthority.ecKey();
    private final X509Certificate enclaveCertificate;

    public SimulatedNsm(SimulationAuthority authority, List<String> pcr012) {
        if (pcr012.size() != 3 || pcr012.stream().anyMatch(p -> !p.matches("[0-9a-f]{96}"))) {
            throw new IllegalArgumentException("PCR0-2 must be 96 lower-case hex digits each (SHA-384)");
        }
        this.authority = authority;
        this.pcr012 = List.copyOf(pcr012);
        this.enclaveCertificate = SimulationAuthority.certificate("CN=i-simulated-enc0001," + SimulationAuthority.ORGANIZATION,
                enclaveKey.getPublic(), SimulationAuthority.NITRO_ROOT, authority.nitroRootKey(), false, Instant.now(), Duration.ofHours(3));
    }

    /** A document whose {@code user_data} is the first 32 bytes of the report data (the binding digest). */
    public byte[] document(byte[] reportData) {
        try {
            Map<Object, Object> pcrs = new LinkedHashMap<>();
            for (long i = 0; i < 16; i++) {
                pcrs.put(i, i < 3 ? HexFormat.of().parseHex(pcr012.get((int) i)) : new byte[48]);
            }
            Map<Object, Object> payload = new LinkedHashMap<>();
            payload.put("module_id", "i-simulated-enc0001");
            payload.put("digest", "SHA384");
            payload.put("timestamp", Instant.now().toEpochMilli());
            payload.put("pcrs", pcrs);
            payload.put("certificate", enclaveCertificate.getEncoded());
            payload.put("cabundle", List.of(authority.nitroRoot().getEncoded()));
            payload.put("user_data", java.util.Arrays.copyOf(reportData, 32));
            byte[] protectedHeader = Cbor.encode(Map.of(1L, -35L));
            byte[] payloadBytes = Cbor.encode(payload);
            Signature ecdsa = Signature.getInstance("SHA384withECDSAinP1363Format");
            ecdsa.initSign(enclaveKey.getPrivate());
            ecdsa.update(Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], payloadBytes)));
            return Cbor.encode(List.of(protectedHeader, Map.of(), payloadBytes, ecdsa.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
