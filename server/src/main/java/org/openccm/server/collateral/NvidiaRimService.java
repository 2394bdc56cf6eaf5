// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.gpu.RimVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * NVIDIA's RIM service: {@code GET /v1/rim/{id}} answers {@code {"id", "rim" (base64 of the SWID XML), "sha256", ...}}.
 * The answer must name the id asked for; the XML is kept as NVIDIA signed it, valid while its signing certificate is
 * (its signature and chain are verified at every use, so the service is trusted for availability only).
 */
final class NvidiaRimService {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    // NV_GPU_DRIVER_GH100_580.95.05, NV_GPU_VBIOS_1010_0200_882_960074001A: nothing that could leave the path
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");
    private final String base;
    private final VendorHttp http;
    private final Clock clock;

    NvidiaRimService(String base, VendorHttp http, Clock clock) {
        this.base = VendorHttp.configured(base);
        this.http = http;
        this.clock = clock;
    }

    boolean enabled() {
        return !base.isEmpty();
    }

    static String key(String id) {
        return "nvidia:rim:" + id;
    }

    /** The RIM (SWID XML) NVIDIA publishes under this id, or empty when it has none. */
    Optional<Item> rim(String id) throws VendorHttp.Unavailable {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        String url = base + "/v1/rim/" + id;
        Optional<HttpResponse<byte[]>> response = http.get(url);
        if (response.isEmpty()) {
            return Optional.empty();
        }
        JsonNode answer = JSON.readTree(response.get().body());
        if (!id.equals(answer.path("id").asString(""))) {
            throw new IllegalArgumentException(url + " answered the RIM " + answer.path("id").asString("(none)") + ", not " + id);
        }
        byte[] xml = Base64.getMimeDecoder().decode(answer.path("rim").asString(""));
        java.security.cert.X509Certificate signer;
        try {
            signer = RimVerifier.signingCertificate(xml);
        } catch (EvidenceRejected e) {
            throw new IllegalArgumentException(url + " answered no readable RIM: " + e.getMessage(), e);
        }
        return Optional.of(new Item(key(id), "nvidia", "nvidia-rim", url, xml, null, signer.getNotBefore().toInstant(),
                signer.getNotAfter().toInstant(), clock.instant()));
    }
}
