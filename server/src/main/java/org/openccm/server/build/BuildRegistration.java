// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.Platform;
import org.openccm.attestation.nitro.NitroMeasurements;
import org.openccm.attestation.nitro.NitroMeasurementsParser;
import org.openccm.attestation.sgx.Sigstruct;
import org.openccm.attestation.sgx.SigstructParser;
import org.openccm.server.app.AdvancedSettings;
import org.openccm.server.app.App;
import org.openccm.server.app.AppType;
import org.openccm.server.app.DefaultBuildSettings;
import org.openccm.server.build.ImageAttributes.Aci;
import org.openccm.server.build.ImageAttributes.AzureCvm;
import org.openccm.server.build.ImageAttributes.BaremetalAmdSevSnp;
import org.openccm.server.build.ImageAttributes.BaremetalTdx;
import org.openccm.server.build.ImageAttributes.Coprocessor;
import org.openccm.server.build.ImageAttributes.NitroEnclave;
import org.openccm.server.build.ImageAttributes.NitroHashAlgorithm;
import org.openccm.server.build.ImageAttributes.Sgx;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import tools.jackson.databind.JsonNode;

/**
 * Turns a CreateBuildRequest into a {@link Registration} for the app it names, or refuses it with the field at
 * fault. Each platform accepts only its own attributes; hex values must have their platform's exact length and
 * are stored in lower case; a SIGSTRUCT or nitro-cli measurement file fills the values it carries, and values
 * typed beside it must agree with it.
 */
final class BuildRegistration {
    static final String DEFAULT_TAG = "latest";
    // Docker's tag grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern IMAGE_SHA = Pattern.compile("(sha256:)?[0-9a-f]{64}");
    private static final int MAX_COPROCESSORS = 8;

    private BuildRegistration() {}

    static Registration register(App app, CreateBuildRequest r, BuildFiles files) {
        Platform platform = app.imagePlatform();
        requireAttributesOf(platform, app.type(), r.attributes());
        if (platform != Platform.SGX) {
            String why = "only for SGX images; this app's images are " + platform;
            FieldRules.absent("mrenclave", r.mrenclave(), why);
            FieldRules.absent("mrsigner", r.mrsigner(), why);
            FieldRules.absent("isvprodid", r.isvprodid(), why);
            FieldRules.absent("isvsvn", r.isvsvn(), why);
            FieldRules.absent("sigstruct", r.sigstruct() != null ? r.sigstruct() : files.sigstruct(), why);
        }
        if (platform != Platform.NITRO) {
            String why = "only for AWS Nitro Enclaves images; this app's images are " + platform;
            FieldRules.absent(
                    "nitro_measurements",
                    r.nitroMeasurements() != null ? r.nitroMeasurements() : files.nitroMeasurements(),
                    why);
            if (Boolean.TRUE.equals(r.enableOverlayFilesystemPersistence())) {
                throw new InvalidField("enable_overlay_filesystem_persistence", why);
            }
        }
        DockerInfo docker = dockerInfo(app, r.dockerInfo());
        Long memSize = FieldRules.range("mem_size", r.memSize(), 1L, 1L << 40);
        Integer threads = FieldRules.range("threads", r.threads(), 1, 4096);
        LaunchHint hint = r.launchHint();
        if (hint != null && hint.azureResourceTemplate() == null) {
            throw new InvalidField("launch_hint.azure_resource_template", "required when launch_hint is given");
        }
        AdvancedSettings advanced = (r.advancedSettings() != null
                        ? r.advancedSettings()
                        : app.advancedSettings() != null ? app.advancedSettings() : AdvancedSettings.defaults())
                .withDefaults();
        DefaultBuildSettings defaults = app.defaultBuildSettings();

        return switch (platform) {
            case SGX -> {
                Sigstruct sig = sigstruct(r.sigstruct(), files.sigstruct());
                String mrenclave = agree("mrenclave", FieldRules.hex("mrenclave", r.mrenclave(), 32),
                        sig == null ? null : sig.mrEnclave(), "ENCLAVEHASH");
                String mrsigner = agree("mrsigner", FieldRules.hex("mrsigner", r.mrsigner(), 32),
                        sig == null ? null : sig.mrSigner(), "SHA-256 of its MODULUS");
                Integer isvprodid = agree("isvprodid", FieldRules.range("isvprodid", r.isvprodid(), 0, 65535),
                        sig == null ? null : sig.isvProdId(), "ISVPRODID");
                Integer isvsvn = agree("isvsvn", FieldRules.range("isvsvn", r.isvsvn(), 0, 65535),
                        sig == null ? null : sig.isvSvn(), "ISVSVN");
                String hint1 = "required: give mrenclave, mrsigner, isvprodid and isvsvn, or a sigstruct";
                if (mrenclave == null || mrsigner == null || isvprodid == null || isvsvn == null) {
                    String missing = mrenclave == null ? "mrenclave" : mrsigner == null ? "mrsigner"
                            : isvprodid == null ? "isvprodid" : "isvsvn";
                    throw new InvalidField(missing, hint1);
                }
                Sgx given = r.attributes() == null ? null : r.attributes().sgx();
                List<String> features = List.of();
                if (given != null) {
                    agree("attributes.sgx.mrenclave", FieldRules.hex("attributes.sgx.mrenclave", given.mrenclave(), 32),
                            mrenclave, "mrenclave");
                    features = strings("attributes.sgx.features", given.features(), 64);
                }
                DefaultBuildSettings.Sgx sgxDefaults = defaults == null ? null : defaults.sgx();
                yield new Registration(platform, docker, mrenclave, mrsigner, isvprodid, isvsvn,
                        attributes(new Sgx(mrenclave, features), null, null, null, null, null), advanced, hint,
                        first(memSize, sgxDefaults == null ? null : sgxDefaults.memSize(), app.memSize()),
                        first(threads, sgxDefaults == null ? null : sgxDefaults.threads(), app.threads()),
                        false, r.groupId());
            }
            case NITRO -> {
                NitroEnclave nitro = nitro(app, r, files);
                DefaultBuildSettings.NitroEnclaves nd = defaults == null ? null : defaults.nitroEnclaves();
                Boolean overlay = first(r.enableOverlayFilesystemPersistence(),
                        nd == null ? null : nd.enableOverlayFilesystemPersistence(), false);
                yield new Registration(platform, docker, null, null, null, null,
                        attributes(null, nitro, null, null, null, null), advanced, hint,
                        first(memSize, nd == null ? null : nd.memSize(), app.memSize()),
                        first(threads, nd == null ? null : nd.cpuCount(), app.threads()),
                        overlay, r.groupId());
            }
            case ACI -> {
                Aci aci = r.attributes() == null ? null : r.attributes().aci();
                if (aci != null) {
                    String policy = FieldRules.required("attributes.aci.policy", aci.policy()).trim();
                    if (base64("attributes.aci.policy", policy).length == 0) {
                        throw new InvalidField("attributes.aci.policy", "must not be empty");
                    }
                    aci = new Aci(policy);
                }
                yield new Registration(platform, docker, null, null, null, null,
                        attributes(null, null, aci, null, null, null), advanced, hint,
                        first(memSize, app.memSize()), first(threads, app.threads()), false, r.groupId());
            }
            case AZURE_CVM -> {
                AzureCvm cvm = FieldRules.required("attributes.azure_cvm", r.attributes().azureCvm());
                AzureCvmPcrs pcrs = FieldRules.required("attributes.azure_cvm.pcrs", cvm.pcrs());
                FieldRules.required("attributes.azure_cvm.pcrs.hash_alg", pcrs.hashAlg());
                // The guide: values copied from a VM console carry a 0x prefix; accept and strip it.
                AzureCvmPcrs normalized = pcrs.map((index, value) -> FieldRules.hex(
                        "attributes.azure_cvm.pcrs.pcr" + index, stripHexPrefix(value), 32));
                yield new Registration(platform, docker, null, null, null, null,
                        attributes(null, null, null,
                                new AzureCvm(normalized, coprocessors("attributes.azure_cvm", cvm.coprocessors())),
                                null, null),
                        advanced, hint, first(memSize, app.memSize()), first(threads, app.threads()), false,
                        r.groupId());
            }
            case SEV_SNP -> {
                String at = "attributes.baremetal_amd_sev_snp";
                BaremetalAmdSevSnp snp = FieldRules.required(at, r.attributes().baremetalAmdSevSnp());
                BaremetalAmdSevSnp normalized = new BaremetalAmdSevSnp(
                        FieldRules.required(at + ".measurement", FieldRules.hex(at + ".measurement", snp.measurement(), 48)),
                        FieldRules.required(at + ".vmpl", snp.vmpl()),
                        coprocessors(at, snp.coprocessors()));
                yield new Registration(platform, docker, null, null, null, null,
                        attributes(null, null, null, null, null, normalized), advanced, hint,
                        first(memSize, app.memSize()), first(threads, app.threads()), false, r.groupId());
            }
            case TDX -> {
                String at = "attributes.baremetal_tdx";
                BaremetalTdx tdx = FieldRules.required(at, r.attributes().baremetalTdx());
                BaremetalTdx normalized = new BaremetalTdx(
                        register48(at + ".mrtd", tdx.mrtd()),
                        register48(at + ".rtmr0", tdx.rtmr0()),
                        register48(at + ".rtmr1", tdx.rtmr1()),
                        register48(at + ".rtmr2", tdx.rtmr2()),
                        register48(at + ".rtmr3", tdx.rtmr3()),
                        coprocessors(at, tdx.coprocessors()));
                yield new Registration(platform, docker, null, null, null, null,
                        attributes(null, null, null, null, normalized, null), advanced, hint,
                        first(memSize, app.memSize()), first(threads, app.threads()), false, r.groupId());
            }
        };
    }

    /** The attribute key each platform's images carry; every other key is refused, naming it. */
    static String attributeKey(Platform platform) {
        return switch (platform) {
            case SGX -> "sgx";
            case NITRO -> "nitro_enclave";
            case ACI -> "aci";
            case AZURE_CVM -> "azure_cvm";
            case SEV_SNP -> "baremetal_amd_sev_snp";
            case TDX -> "baremetal_tdx";
        };
    }

    private static void requireAttributesOf(Platform platform, AppType type, ImageAttributes a) {
        boolean needsAttributes = platform == Platform.AZURE_CVM || platform == Platform.SEV_SNP || platform == Platform.TDX;
        String expected = attributeKey(platform);
        if (a == null) {
            if (needsAttributes) {
                throw new InvalidField("attributes." + expected, "required for images of " + type + " apps");
            }
            return;
        }
        Map<String, Object> given = new java.util.LinkedHashMap<>();
        given.put("sgx", a.sgx());
        given.put("nitro_enclave", a.nitroEnclave());
        given.put("aci", a.aci());
        given.put("azure_cvm", a.azureCvm());
        given.put("baremetal_tdx", a.baremetalTdx());
        given.put("baremetal_amd_sev_snp", a.baremetalAmdSevSnp());
        for (Map.Entry<String, Object> e : given.entrySet()) {
            if (e.getValue() != null && !e.getKey().equals(expected)) {
                throw new InvalidField(
                        "attributes." + e.getKey(),
                        "does not fit this app (type " + type + ", platform " + platform + "); its images take attributes."
                                + expected);
            }
        }
        if (needsAttributes && given.get(expected) == null) {
            throw new InvalidField("attributes." + expected, "required for images of " + type + " apps");
        }
    }

    private static DockerInfo dockerInfo(App app, DockerInfo d) {
        boolean fromImage = app.type() == AppType.ENCLAVE_OS || app.type() == AppType.ACI;
        if (d == null && !fromImage) {
            return null;
        }
        if (d == null) {
            d = new DockerInfo(null, null, null, null, null);
        }
        String name = d.dockerImageName() == null && fromImage ? app.inputImageName() : d.dockerImageName();
        name = FieldRules.required("docker_info.docker_image_name", FieldRules.text("docker_info.docker_image_name", name, 512));
        if (name.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidField("docker_info.docker_image_name", "an image name has no spaces");
        }
        String invalid = org.openccm.server.registry.ImageNames.invalidRepository(name);
        if (invalid != null) {
            throw new InvalidField(d.dockerImageName() == null ? "input_image_name" : "docker_info.docker_image_name", invalid);
        }
        // The guide: Enclave OS and ACI tags are optional and default to "latest".
        String tag = d.dockerVersion() == null ? DEFAULT_TAG : d.dockerVersion().trim();
        if (!TAG.matcher(tag).matches()) {
            throw new InvalidField(
                    "docker_info.docker_version",
                    "not a valid tag: letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-'");
        }
        String sha = d.dockerImageSha();
        if (sha != null) {
            sha = sha.trim().toLowerCase(Locale.ROOT);
            if (!IMAGE_SHA.matcher(sha).matches()) {
                throw new InvalidField("docker_info.docker_image_sha", "must be sha256:<64 hex characters>");
            }
            sha = sha.startsWith("sha256:") ? sha : "sha256:" + sha;
        }
        FieldRules.range("docker_info.docker_image_size", d.dockerImageSize(), 0L, Long.MAX_VALUE);
        List<DockerInfo.ExposedPort> ports = new ArrayList<>();
        if (d.exposedPorts() != null) {
            for (int i = 0; i < d.exposedPorts().size(); i++) {
                String at = "docker_info.exposed_ports[" + i + "]";
                DockerInfo.ExposedPort p = FieldRules.required(at, d.exposedPorts().get(i));
                FieldRules.range(at + ".port", FieldRules.required(at + ".port", p.port()), 1, 65535);
                FieldRules.required(at + ".protocol", p.protocol());
                ports.add(p);
            }
        }
        return new DockerInfo(name, tag, sha, d.dockerImageSize(), ports);
    }

    private static Sigstruct sigstruct(String base64, byte[] file) {
        if (base64 != null && file != null) {
            throw new InvalidField("sigstruct", "give the SIGSTRUCT once: as a file or as base64, not both");
        }
        byte[] bytes = file != null ? file : base64 == null ? null : base64("sigstruct", base64.trim());
        if (bytes == null) {
            return null;
        }
        try {
            return SigstructParser.parse(bytes);
        } catch (EvidenceRejected e) {
            throw new InvalidField("sigstruct", "refused: " + e.getMessage());
        }
    }

    private static NitroEnclave nitro(App app, CreateBuildRequest r, BuildFiles files) {
        if (r.nitroMeasurements() != null && files.nitroMeasurements() != null) {
            throw new InvalidField("nitro_measurements", "give the measurements once: as a file or in the body");
        }
        NitroMeasurements measured = null;
        try {
            if (files.nitroMeasurements() != null) {
                measured = NitroMeasurementsParser.parse(files.nitroMeasurements());
            } else if (r.nitroMeasurements() != null) {
                JsonNode node = r.nitroMeasurements();
                // Pasted as text it arrives as a JSON string holding the JSON document.
                measured = node.isString()
                        ? NitroMeasurementsParser.parse(node.asString())
                        : NitroMeasurementsParser.parse(node);
            }
        } catch (EvidenceRejected e) {
            throw new InvalidField("nitro_measurements", "refused: " + e.getMessage());
        }
        NitroEnclave given = r.attributes() == null ? null : r.attributes().nitroEnclave();
        String at = "attributes.nitro_enclave";
        if (given == null && measured == null) {
            if (app.type() == AppType.ENCLAVE_OS) {
                return null; // measured by the conversion that builds the EIF
            }
            throw new InvalidField(at, "required: give pcr0, pcr1 and pcr2, or nitro_measurements");
        }
        if (given == null) {
            return new NitroEnclave(
                    NitroHashAlgorithm.Sha384, measured.pcr0(), measured.pcr1(), measured.pcr2(),
                    measured.pcr8().orElse(null));
        }
        NitroHashAlgorithm alg = given.hashAlgorithm();
        if (alg == null && measured == null) {
            throw new InvalidField(at + ".hash_algorithm", "required: Sha384");
        }
        String pcr0 = agree(at + ".pcr0", FieldRules.hex(at + ".pcr0", given.pcr0(), 48), measured == null ? null : measured.pcr0(), "PCR0");
        String pcr1 = agree(at + ".pcr1", FieldRules.hex(at + ".pcr1", given.pcr1(), 48), measured == null ? null : measured.pcr1(), "PCR1");
        String pcr2 = agree(at + ".pcr2", FieldRules.hex(at + ".pcr2", given.pcr2(), 48), measured == null ? null : measured.pcr2(), "PCR2");
        String pcr8 = agree(at + ".pcr8", FieldRules.hex(at + ".pcr8", given.pcr8(), 48),
                measured == null ? null : measured.pcr8().orElse(null), "PCR8");
        FieldRules.required(at + ".pcr0", pcr0);
        FieldRules.required(at + ".pcr1", pcr1);
        FieldRules.required(at + ".pcr2", pcr2);
        return new NitroEnclave(NitroHashAlgorithm.Sha384, pcr0, pcr1, pcr2, pcr8);
    }

    /** A typed value beside a file's value must be the same; either alone is taken as it is. */
    private static <T> T agree(String field, T typed, T fromFile, String fileField) {
        if (typed != null && fromFile != null && !typed.equals(fromFile)) {
            throw new InvalidField(field, "does not match the uploaded file's " + fileField + " (" + fromFile + ")");
        }
        return typed != null ? typed : fromFile;
    }

    private static String register48(String field, String value) {
        return FieldRules.required(field, FieldRules.hex(field, value, 48));
    }

    private static String stripHexPrefix(String value) {
        String v = value.trim();
        return v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v;
    }

    private static List<Coprocessor> coprocessors(String at, List<Coprocessor> given) {
        if (given == null) {
            return List.of();
        }
        if (given.size() > MAX_COPROCESSORS) {
            throw new InvalidField(at + ".coprocessors", "at most " + MAX_COPROCESSORS);
        }
        List<Coprocessor> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            Coprocessor c = FieldRules.required(at + ".coprocessors[" + i + "]", given.get(i));
            FieldRules.required(at + ".coprocessors[" + i + "].attestation", c.attestation());
            out.add(c);
        }
        return out;
    }

    private static List<String> strings(String field, List<String> values, int max) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > max) {
            throw new InvalidField(field, "at most " + max + " entries");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
            out.add(FieldRules.required(field + "[" + i + "]", FieldRules.text(field + "[" + i + "]", values.get(i), 128)));
        }
        return List.copyOf(out);
    }

    private static byte[] base64(String field, String value) {
        try {
            // Pasted base64 is often wrapped over lines; whitespace is not part of the value.
            return Base64.getDecoder().decode(value.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidField(field, "not valid base64");
        }
    }

    private static ImageAttributes attributes(
            Sgx sgx, NitroEnclave nitro, Aci aci, AzureCvm cvm, BaremetalTdx tdx, BaremetalAmdSevSnp snp) {
        return new ImageAttributes(sgx, nitro, aci, cvm, tdx, snp);
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
