// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.openccm.server.account.Roles;
import org.openccm.server.conversion.ConversionService;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.openccm.server.identity.Caller;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fortanix CCM's converter service ({@code /v1/tools/converter/convert-app/*}): an image converted (Nitro Enclaves)
 * or given its ACI policy within the request, nothing registered. {@code /v1/builds/convert-app/*} are the canonical
 * paths: they register the image for approval and convert it as a durable job.
 */
@RestController
@Tag(name = "Converter")
class ConverterToolController {
    private final ConversionService conversions;
    private final org.openccm.server.conversion.AciConversionService aci;

    ConverterToolController(ConversionService conversions, org.openccm.server.conversion.AciConversionService aci) {
        this.conversions = conversions;
        this.aci = aci;
    }

    /** Fortanix's AciConversionRequestOptions. */
    record ToolAciOptions(Integer cpuCount, Double gbMem, Boolean waitForAgent) {}

    record AciToolRequest(ToolRequest request, ToolAciOptions aciOptions) {}

    /** Fortanix's ConverterSvcAciConfig: the deployment template (ARM, with the policy) and the image's ports. */
    record AciConfig(String caciTemplate, java.util.List<org.openccm.server.build.DockerInfo.ExposedPort> exposedPorts) {}

    record AciToolResponse(ConvertedImage convertedImage, AciConfig config) {}

    @PostMapping("/v1/tools/converter/convert-app/aci")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Make the confidential ACI policy and ARM deployment template of an image now, registering nothing"
            + " (Fortanix's converter service). OpenCCM's policy pins the input image as it is, so the converted image is the"
            + " input image (its digest and size); output_image is accepted and not used. The canonical path is POST"
            + " /v1/builds/convert-app/aci, which registers the image for approval.")
    AciToolResponse aci(@AuthenticationPrincipal Caller caller, @RequestBody AciToolRequest body) {
        ToolRequest r = FieldRules.required("request", body.request());
        ConversionRequests.ImageInfo in = FieldRules.required("request.input_image", r.inputImage());
        ToolOptions o = r.converterOptions();
        if (o != null) {
            String why = "not supported by OpenCCM's ACI policy generator";
            FieldRules.absent("request.converter_options.allow_cmdline_args", trueOrNull(o.allowCmdlineArgs()), why);
            FieldRules.absent("request.converter_options.allow_docker_pull_failure", trueOrNull(o.allowDockerPullFailure()), why);
            FieldRules.absent("request.converter_options.java_mode", o.javaMode(), why);
            FieldRules.absent("request.converter_options.certificates", emptyOrNull(o.certificates()), why);
            FieldRules.absent("request.converter_options.mutable_env_vars", emptyOrNull(o.mutableEnvVars()),
                    "a variable the policy does not fix is not supported yet; give fixed values in env_vars");
        }
        ToolAciOptions a = body.aciOptions() == null ? new ToolAciOptions(null, null, null) : body.aciOptions();
        int cpu = a.cpuCount() == null ? 1 : FieldRules.range("aci_options.cpu_count", a.cpuCount(), 1, 65535);
        double gb = a.gbMem() == null ? 1 : a.gbMem();
        if (!(gb > 0) || gb > 16384 || Double.isNaN(gb)) {
            throw new InvalidField("aci_options.gb_mem", "must be more than 0 (GB of memory)");
        }
        java.util.Map<String, String> env = ConversionRequests.env("request.converter_options.env_vars", o == null ? null : o.envVars());
        var options = new org.openccm.server.conversion.AciOptions(cpu, gb, a.waitForAgent() == null || a.waitForAgent(),
                o != null && Boolean.TRUE.equals(o.debug()), o == null ? null : o.entrypoint(), o == null ? null : o.entrypointArgs(), env);
        var made = aci.policyNow(caller, in.name(), ConversionRequests.credential("request.input_image", in.authConfig()), options);
        String name = in.name().trim();
        return new AciToolResponse(
                new ConvertedImage(name.lastIndexOf(':') > name.lastIndexOf('/') ? name : name + ":latest", made.inputDigest(), made.bytes()),
                new AciConfig(made.template(), made.ports()));
    }

    /** Fortanix's ConverterSvcConversionRequest. */
    record ToolRequest(ConversionRequests.ImageInfo inputImage, ConversionRequests.ImageInfo outputImage, ToolOptions converterOptions) {}

    /** Fortanix's ConverterSvcConverterOptions; what OpenCCM's converter does not do is refused, named. */
    record ToolOptions(
            Boolean allowCmdlineArgs,
            Boolean allowDockerPullFailure,
            java.util.List<Object> certificates,
            Boolean debug,
            java.util.List<String> entrypoint,
            java.util.List<String> entrypointArgs,
            Boolean pushConvertedImage,
            java.util.List<String> envVars,
            java.util.List<String> mutableEnvVars,
            String javaMode) {}

    /** Fortanix's ConverterSvcNitroEnclavesConversionRequestOptions: {@code mem_size} in MB, as text. */
    record ToolNitroOptions(Integer cpuCount, String memSize, Boolean enableOverlayFilesystemPersistence) {}

    record NitroToolRequest(ToolRequest request, ToolNitroOptions nitroEnclavesOptions) {}

    record ConvertedImage(String name, String sha, long size) {}

    record NitroMeasurements(String hashAlgorithm, String pcr0, String pcr1, String pcr2, String pcr8) {}

    /** Fortanix's ConverterSvcNitroEnclavesConfig: the measurements (under "default"), and PCR8 ("" when unsigned). */
    record NitroConfig(Map<String, NitroMeasurements> measurements, String pcr8) {}

    record NitroToolResponse(ConvertedImage convertedImage, NitroConfig config) {}

    @PostMapping("/v1/tools/converter/convert-app/nitro-enclaves")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Convert an image for AWS Nitro Enclaves and push it now, registering nothing (Fortanix's converter"
            + " service). The canonical path is POST /v1/builds/convert-app/nitro-enclaves, which registers the image for approval.")
    NitroToolResponse nitro(@AuthenticationPrincipal Caller caller, @RequestBody NitroToolRequest body) {
        ToolRequest r = FieldRules.required("request", body.request());
        ConversionRequests.ImageInfo in = FieldRules.required("request.input_image", r.inputImage());
        ConversionRequests.ImageInfo out = FieldRules.required("request.output_image", r.outputImage());
        ToolOptions o = r.converterOptions();
        if (o != null) {
            String why = "not supported by OpenCCM's Enclave OS converter";
            FieldRules.absent("request.converter_options.allow_cmdline_args", trueOrNull(o.allowCmdlineArgs()), why);
            FieldRules.absent("request.converter_options.allow_docker_pull_failure", trueOrNull(o.allowDockerPullFailure()), why);
            FieldRules.absent("request.converter_options.debug", trueOrNull(o.debug()), why);
            FieldRules.absent("request.converter_options.mutable_env_vars", emptyOrNull(o.mutableEnvVars()), why);
            FieldRules.absent("request.converter_options.java_mode", o.javaMode(), why);
            FieldRules.absent("request.converter_options.certificates", emptyOrNull(o.certificates()), why);
            if (Boolean.FALSE.equals(o.pushConvertedImage())) {
                throw new InvalidField("request.converter_options.push_converted_image", "the converted image is always pushed");
            }
        }
        ToolNitroOptions n = body.nitroEnclavesOptions() == null ? new ToolNitroOptions(null, null, null) : body.nitroEnclavesOptions();
        var converted = conversions.convertNow(caller,
                in.name(), ConversionRequests.credential("request.input_image", in.authConfig()),
                out.name(), ConversionRequests.credential("request.output_image", out.authConfig()),
                o == null ? null : o.entrypoint(), o == null ? null : o.entrypointArgs(), o == null ? null : o.envVars(),
                megabytes(n.memSize()), positive("nitro_enclaves_options.cpu_count", n.cpuCount()),
                n.enableOverlayFilesystemPersistence() == null || n.enableOverlayFilesystemPersistence());
        Map<Integer, String> pcrs = converted.pcrs();
        String pcr8 = pcrs.getOrDefault(8, "");
        String output = out.name().trim();
        return new NitroToolResponse(
                new ConvertedImage(output.lastIndexOf(':') > output.lastIndexOf('/') ? output : output + ":latest", converted.outputDigest(),
                        converted.outputBytes()),
                new NitroConfig(Map.of("default", new NitroMeasurements("Sha384", pcrs.get(0), pcrs.get(1), pcrs.get(2), pcrs.get(8))), pcr8));
    }

    private static Boolean trueOrNull(Boolean b) {
        return Boolean.TRUE.equals(b) ? b : null;
    }

    private static <T> java.util.List<T> emptyOrNull(java.util.List<T> list) {
        return list == null || list.isEmpty() ? null : list;
    }

    private static Integer positive(String field, Integer value) {
        if (value != null && (value < 1 || value > 1024)) {
            throw new InvalidField(field, "1 to 1024");
        }
        return value;
    }

    /** {@code mem_size} as Fortanix sends it: MB as text ("2048", also "2048M" or "2G"). */
    static Long megabytes(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip().toUpperCase(java.util.Locale.ROOT);
        long factor = t.endsWith("G") ? 1024 : 1;
        String digits = t.endsWith("G") || t.endsWith("M") ? t.substring(0, t.length() - 1) : t;
        try {
            long mb = Long.parseLong(digits) * factor;
            if (mb < 64 || mb > 1 << 22) {
                throw new InvalidField("nitro_enclaves_options.mem_size", "64 MB to 4 TB");
            }
            return mb;
        } catch (NumberFormatException e) {
            throw new InvalidField("nitro_enclaves_options.mem_size", "a size in MB, e.g. 2048 (or 2048M, 2G)");
        }
    }
}
