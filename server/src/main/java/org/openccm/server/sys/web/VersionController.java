// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.sys.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.openccm.server.attestation.EvidenceVerification;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Fortanix's GET /v1/sys/version, answered without a token; OpenCCM adds whether simulation mode is on. */
@RestController
@Tag(name = "System")
class VersionController {
    private final EvidenceVerification verification;

    VersionController(EvidenceVerification verification) {
        this.verification = verification;
    }

    /** {@code simulation}: present only when simulation roots are trusted, with their SHA-256 fingerprints. */
    record Simulation(boolean enabled, String warning, List<String> rootsSha256) {}

    record VersionResponse(String version, String apiVersion, Simulation simulation) {}

    @GetMapping("/v1/sys/version")
    @Operation(summary = "The server's version, and whether it trusts simulated evidence (never in production)")
    VersionResponse version() {
        String version = VersionController.class.getPackage().getImplementationVersion();
        Simulation simulation = verification.simulation()
                .map(s -> new Simulation(true, "simulation mode: evidence from simulated platforms is trusted; not for production", s.fingerprints()))
                .orElse(null);
        return new VersionResponse(version == null ? "development" : version, "v1", simulation);
    }
}
