// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.openccm.server.account.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.conversion.ConversionService;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Build")
class ConversionController {
    private final ConversionService conversions;

    ConversionController(ConversionService conversions) {
        this.conversions = conversions;
    }

    record ConversionResponse(
            UUID buildId, String state, String step, long bytes, String error, String outputImage, String outputDigest,
            long createdAt, long updatedAt) {}

    @GetMapping("/v1/builds/{build-id}/conversion")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Progress of an Enclave OS image's conversion: state, step, bytes pulled, and why it failed")
    ConversionResponse get(@AuthenticationPrincipal Caller caller, @PathVariable("build-id") UUID id) {
        ConversionService.Job j = conversions.job(caller.account(), id);
        return new ConversionResponse(j.buildId(), j.state(), j.step(), j.bytes(), j.error(), j.outputImage(), j.outputDigest(),
                j.createdAt().getEpochSecond(), j.updatedAt().getEpochSecond());
    }
}
