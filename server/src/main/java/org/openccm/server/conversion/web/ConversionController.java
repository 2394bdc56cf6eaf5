// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.openccm.server.identity.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.conversion.ConversionService;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.openccm.server.build.BuildService;
import org.openccm.server.build.web.BuildResponse;
import org.openccm.server.error.FieldRules;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;

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

    record ImageConversionRequest(
            UUID appId, ConversionRequests.ImageInfo inputImage, ConversionRequests.ImageInfo outputImage,
            ConversionRequests.ConverterOptions converterOptions) {}

    record NitroEnclavesOptions(Integer cpuCount, Long memSize, Boolean enableOverlayFilesystemPersistence) {}

    record NitroEnclavesConversionRequest(ImageConversionRequest request, NitroEnclavesOptions nitroEnclavesOptions) {}

    @PostMapping(path = "/v1/builds/convert-app/nitro-enclaves", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Convert an app's input image into an Enclave OS image for AWS Nitro Enclaves, with per-image tags and credentials")
    BuildResponse convert(@AuthenticationPrincipal Caller caller, @RequestBody NitroEnclavesConversionRequest body) {
        ImageConversionRequest r = FieldRules.required("request", body.request());
        FieldRules.required("request.app_id", r.appId());
        ConversionRequests.ImageInfo in = FieldRules.required("request.input_image", r.inputImage());
        ConversionRequests.ImageInfo out = FieldRules.required("request.output_image", r.outputImage());
        ConversionRequests.ConverterOptions c = r.converterOptions();
        if (c != null) {
            String why = "not supported by OpenCCM's Enclave OS converter";
            FieldRules.absent("request.converter_options.add_ccm_ca_certificates", c.addCcmCaCertificates(), why);
            FieldRules.absent("request.converter_options.allow_cmdline_args", c.allowCmdlineArgs(), why);
            FieldRules.absent("request.converter_options.debug", c.debug(), why);
            FieldRules.absent("request.converter_options.mutable_env_vars", c.mutableEnvVars(), why);
            FieldRules.absent("request.converter_options.java_mode", c.javaMode(), why);
        }
        NitroEnclavesOptions o = body.nitroEnclavesOptions() == null ? new NitroEnclavesOptions(null, null, null) : body.nitroEnclavesOptions();
        BuildService.Created created = conversions.convert(
                caller, r.appId(),
                in.name(), ConversionRequests.credential("request.input_image", in.authConfig()),
                out.name(), ConversionRequests.credential("request.output_image", out.authConfig()),
                o.memSize(), o.cpuCount(),
                o.enableOverlayFilesystemPersistence() == null || o.enableOverlayFilesystemPersistence(),
                c == null ? null : c.entrypoint(), c == null ? null : c.entrypointArgs(), c == null ? null : c.envVars());
        return BuildResponse.of(created.build(), created.app());
    }

    @GetMapping("/v1/builds/{build-id}/conversion")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Progress of an Enclave OS image's conversion: state, step, bytes pulled, and why it failed")
    ConversionResponse get(@AuthenticationPrincipal Caller caller, @PathVariable("build-id") UUID id) {
        ConversionService.Job j = conversions.job(caller.account(), id);
        return new ConversionResponse(j.buildId(), j.state(), j.step(), j.bytes(), j.error(), j.outputImage(), j.outputDigest(),
                j.createdAt().getEpochSecond(), j.updatedAt().getEpochSecond());
    }
}
