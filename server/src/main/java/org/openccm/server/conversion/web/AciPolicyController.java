// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.openccm.server.identity.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.build.BuildService;
import org.openccm.server.build.web.BuildResponse;
import org.openccm.server.conversion.AciConversionService;
import org.openccm.server.conversion.AciOptions;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.openccm.server.registry.RegistryService;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** "GENERATE SECURE POLICY": CCM's convert-app for ACI, and the policy and ARM template it produces. */
@RestController
@Tag(name = "Build")
class AciPolicyController {
    private final AciConversionService aci;

    AciPolicyController(AciConversionService aci) {
        this.aci = aci;
    }

    record AciConversionRequestOptions(Integer cpuCount, Double gbMem, Boolean waitForAgent) {}

    record AciConversionRequest(
            UUID appId, ConversionRequests.ImageInfo inputImage, ConversionRequests.ConverterOptions converterOptions, AciConversionRequestOptions aciOptions) {}

    @PostMapping(path = "/v1/builds/convert-app/aci", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Generate the secure policy of an ACI image: registers the image and hashes its layers in the background")
    BuildResponse convert(@AuthenticationPrincipal Caller caller, @RequestBody AciConversionRequest request) {
        FieldRules.required("app_id", request.appId());
        ConversionRequests.ImageInfo input = FieldRules.required("input_image", request.inputImage());
        RegistryService.Credential credential = ConversionRequests.credential("input_image", input.authConfig());
        AciConversionRequestOptions o = request.aciOptions() == null ? new AciConversionRequestOptions(null, null, null) : request.aciOptions();
        int cpu = o.cpuCount() == null ? 1 : FieldRules.range("aci_options.cpu_count", o.cpuCount(), 1, 65535);
        double gb = o.gbMem() == null ? 1 : o.gbMem();
        if (!(gb > 0) || gb > 16384 || Double.isNaN(gb)) {
            throw new InvalidField("aci_options.gb_mem", "must be more than 0 (GB of memory)");
        }
        ConversionRequests.ConverterOptions c =
                request.converterOptions() == null ? ConversionRequests.ConverterOptions.NONE : request.converterOptions();
        FieldRules.absent("converter_options.add_ccm_ca_certificates", c.addCcmCaCertificates(), "applies to Enclave OS images only");
        FieldRules.absent("converter_options.allow_cmdline_args", c.allowCmdlineArgs(), "applies to Enclave OS images only");
        FieldRules.absent("converter_options.java_mode", c.javaMode(), "applies to Enclave OS images only");
        FieldRules.absent("converter_options.mutable_env_vars", c.mutableEnvVars(),
                "a variable the policy does not fix is not supported yet; give fixed values in env_vars");
        AciOptions options = new AciOptions(
                cpu, gb, o.waitForAgent() == null || o.waitForAgent(), Boolean.TRUE.equals(c.debug()),
                c.entrypoint(), c.entrypointArgs(), ConversionRequests.env("converter_options.env_vars", c.envVars()));
        BuildService.Created created = aci.convert(caller, request.appId(), input.name(), credential, options);
        return BuildResponse.of(created.build(), created.app());
    }

    @GetMapping(path = "/v1/builds/{build-id}/aci/arm-template", produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The ARM template that deploys the ACI image under its generated policy (ccePolicy), as a download")
    ResponseEntity<String> armTemplate(@AuthenticationPrincipal Caller caller, @PathVariable("build-id") UUID id) {
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"aci-" + id + "-template.json\"")
                .contentType(MediaType.APPLICATION_JSON)
                .body(aci.armTemplate(caller.account(), id));
    }

    @GetMapping(path = "/v1/builds/{build-id}/aci/policy", produces = MediaType.TEXT_PLAIN_VALUE)
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The generated policy (Rego) of an ACI image; its SHA-256 is the image's HOST_DATA")
    ResponseEntity<String> policy(@AuthenticationPrincipal Caller caller, @PathVariable("build-id") UUID id) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(aci.policy(caller.account(), id));
    }
}
