// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.app.App;
import org.openccm.server.app.AppService;
import org.openccm.server.app.AppType;
import org.openccm.server.identity.Actor;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.build.Build;
import org.openccm.server.build.BuildCreated;
import org.openccm.server.build.BuildService;
import org.openccm.server.build.DockerInfo;
import org.openccm.server.build.ImageAttributes;
import org.openccm.server.conversion.eif.BootstrapRamdisk;
import org.openccm.server.conversion.eif.Content;
import org.openccm.server.conversion.eif.EifSection;
import org.openccm.server.conversion.eif.CustomerRamdisk;
import org.openccm.server.conversion.eif.DockerExport;
import org.openccm.server.conversion.eif.EifBuilder;
import org.openccm.server.conversion.eif.EifMeasurements;
import org.openccm.server.identity.Caller;
import org.openccm.server.build.BuildFiles;
import org.openccm.server.build.CreateBuildRequest;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.openccm.server.error.NotFound;
import org.openccm.server.registry.OciRegistryClient;
import org.openccm.server.registry.OciRegistryClient.Reference;
import org.openccm.server.registry.OciRegistryClient.RegistryException;
import org.openccm.server.registry.RegistryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.event.TransactionalEventListener;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts an Enclave OS image in the background, after its registration commits: pull the input image, emulate
 * its docker export, build nitro-cli's two ramdisks and the EIF with the operator's blob set, measure it, push an
 * output image holding the EIF, and record the PCRs on the image (which opens its approval task for them). Each
 * step is recorded; a failure keeps the image and says why.
 */
@Service
public class ConversionService implements ConversionJobRunner.Handler {
    private static final Logger log = LoggerFactory.getLogger(ConversionService.class);
    static final String EIF_PATH = "opt/openccm/enclave.eif";
    private final JdbcClient jdbc;
    private final OciRegistryClient registry;
    private final RegistryService credentials;
    private final BuildService builds;
    private final AppService apps;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;
    private final Path blobs;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final EifSigning signer;
    private final JobCredentials jobCredentials;
    private final Path workDir;

    ConversionService(
            JdbcClient jdbc,
            OciRegistryClient registry,
            RegistryService credentials,
            BuildService builds,
            AppService apps,
            AuditLog audit,
            JsonMapper json,
            Clock clock,
            @Value("${openccm.conversion.blobs-dir}") Path blobs,
            @Value("${openccm.conversion.signing-key:}") String signingKey,
            @Value("${openccm.conversion.signing-certificate:}") String signingCertificate,
            @Value("${openccm.data-dir}") Path dataDir,
            JobCredentials jobCredentials,
            org.springframework.context.ApplicationEventPublisher events) {
        this.jobCredentials = jobCredentials;
        this.events = events;
        this.jdbc = jdbc;
        this.registry = registry;
        this.credentials = credentials;
        this.builds = builds;
        this.apps = apps;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
        this.blobs = blobs;
        this.workDir = dataDir.resolve("work");
        this.signer = EifSigning.load(signingKey, signingCertificate);
    }

    public record Job(UUID buildId, String state, String step, long bytes, String error, String outputImage, String outputDigest,
            Instant createdAt, Instant updatedAt) {}

    @TransactionalEventListener
    void on(BuildCreated created) {
        Build b = created.build();
        if (b.platform() != Platform.NITRO || b.attributes().nitroEnclave() != null) {
            return;
        }
        App app = apps.get(b.accountId(), b.appId());
        if (app.type() != AppType.ENCLAVE_OS) {
            return;
        }
        Instant now = clock.instant();
        // After commit the old transaction's connection is still bound: write in a new one, committed before the job runs.
        org.springframework.transaction.support.TransactionTemplate newTx =
                new org.springframework.transaction.support.TransactionTemplate(txManager());
        newTx.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        newTx.executeWithoutResult(s -> jdbc.sql(
                        "INSERT INTO conversion_jobs (build_id, account_id, state, step, created_at, updated_at) VALUES (?,?,'QUEUED','queued',?,?)"
                                + " ON CONFLICT (build_id) DO NOTHING")
                .params(b.id(), b.accountId(), Timestamp.from(now), Timestamp.from(now))
                .update());
        events.publishEvent(new ConversionQueued(b.id()));
    }

    /**
     * CCM's convert-app for Nitro Enclaves: registers the Enclave OS image from the input image's tag and queues its
     * conversion, pushing to the output image's tag. The repositories are the app's; credentials given here serve
     * this image only (sealed until the job ends), otherwise saved ones are used.
     */
    @org.springframework.transaction.annotation.Transactional
    public BuildService.Created convert(Caller caller, UUID appId, String inputImage, RegistryService.Credential inputCredential,
            String outputImage, RegistryService.Credential outputCredential, Long memSize, Integer cpuCount, Boolean persistence,
            List<String> entrypoint, List<String> entrypointArgs, List<String> envVars) {
        App app = apps.find(caller.account(), appId).orElseThrow(() -> new NotFound("app", appId));
        if (app.type() != AppType.ENCLAVE_OS) {
            throw new InvalidField("request.app_id", "app '" + app.name() + "' is of type " + app.type() + "; Nitro conversion is for Enclave OS apps");
        }
        String inputTag = tagOf("request.input_image.name", inputImage, app.inputImageName(), inputCredential);
        String outputTag = tagOf("request.output_image.name", outputImage, app.outputImageName(), outputCredential);
        BuildService.Created created = builds.create(
                caller,
                new CreateBuildRequest(new DockerInfo(null, inputTag, null, null, null), null, null, null, null, appId, null,
                        memSize, cpuCount, null, null, null, persistence, null, null, null),
                BuildFiles.NONE);
        UUID id = created.build().id();
        Instant now = clock.instant();
        ObjectNode options = converterOptions(entrypoint, entrypointArgs, envVars);
        if (outputTag != null) {
            options.put("output_tag", outputTag);
        }
        byte[] sealed = jobCredentials.seal(id, inputCredential, outputCredential);
        jdbc.sql("INSERT INTO conversion_jobs (build_id, account_id, state, step, options, input_credential_enc, created_at, updated_at)"
                        + " VALUES (?,?,'QUEUED','queued',?::jsonb,?,?,?)")
                .params(id, caller.account(), options.toString(),
                        sealed == null ? new org.springframework.jdbc.core.SqlParameterValue(java.sql.Types.BINARY, null) : sealed,
                        Timestamp.from(now), Timestamp.from(now))
                .update();
        return created;
    }

    /** convert-app's converter options as a conversion reads them; each variable must be NAME=VALUE. */
    private ObjectNode converterOptions(List<String> entrypoint, List<String> entrypointArgs, List<String> envVars) {
        ObjectNode options = json.createObjectNode();
        if (entrypoint != null) {
            entrypoint.forEach(options.putArray("entrypoint")::add);
        }
        if (entrypointArgs != null) {
            entrypointArgs.forEach(options.putArray("entrypoint_args")::add);
        }
        if (envVars != null) {
            for (int i = 0; i < envVars.size(); i++) {
                if (envVars.get(i) == null || envVars.get(i).indexOf('=') <= 0) {
                    throw new InvalidField("request.converter_options.env_vars[" + i + "]", "must be NAME=VALUE");
                }
            }
            envVars.forEach(options.putArray("env_vars")::add);
        }
        return options;
    }

    /** The tag of {@code name}, whose repository must be the app's; null for none ("latest"). */
    private static String tagOf(String field, String name, String appRepository, RegistryService.Credential credential) {
        String n = FieldRules.required(field, name).trim();
        if (n.contains("@")) {
            throw new InvalidField(field, "name the image by tag (repository:tag)");
        }
        int slash = n.lastIndexOf('/');
        int colon = n.lastIndexOf(':');
        String repository = colon > slash ? n.substring(0, colon) : n;
        String tag = colon > slash ? n.substring(colon + 1) : null;
        if (!repository.equals(appRepository)) {
            throw new InvalidField(field, "must be the app's image " + appRepository + " with an optional :tag");
        }
        if (credential != null && org.openccm.server.registry.ImageNames.explicitRegistry(n).isEmpty()) {
            // The guide: with a registry credential the image name must carry its registry (docker.io/...).
            throw new InvalidField(field, "an image used with credentials must name its registry, e.g. docker.io/" + n);
        }
        return tag;
    }

    public Job job(UUID accountId, UUID buildId) {
        return jdbc.sql("SELECT * FROM conversion_jobs WHERE account_id = ? AND build_id = ?")
                .params(accountId, buildId)
                .query((rs, n) -> new Job(
                        rs.getObject("build_id", UUID.class),
                        rs.getString("state"),
                        rs.getString("step"),
                        rs.getLong("bytes"),
                        rs.getString("error"),
                        rs.getString("output_image"),
                        rs.getString("output_digest"),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("updated_at").toInstant()))
                .optional()
                .orElseThrow(() -> new NotFound("conversion of image", buildId));
    }

    @Override
    public ConversionJobRunner.JobKind kind() {
        return ConversionJobRunner.JobKind.ENCLAVE_OS;
    }

    @Override
    public String failurePrefix() {
        return "conversion failed";
    }

    @Override
    public void run(ConversionJobRunner.ClaimedJob job, Build b) throws Exception {
        App app = apps.get(b.accountId(), b.appId());
        String input = b.dockerInfo().dockerImageName() + ":" + b.dockerInfo().dockerVersion();
        RegistryService.Credential inCred = jobCredentials.given(b.id(), "input")
                .orElseGet(() -> credentials.credentialFor(b.accountId(), input).orElse(null));
        JsonNode options = json.readTree(jdbc.sql("SELECT coalesce(options::text, '{}') FROM conversion_jobs WHERE build_id = ?")
                .param(b.id()).query(String.class).optional().orElse("{}"));
        String outputTag = options.hasNonNull("output_tag") ? options.path("output_tag").asString() : null;
        String output = app.outputImageName() + ":" + (outputTag != null ? outputTag : b.dockerInfo().dockerVersion());
        RegistryService.Credential outCred = jobCredentials.given(b.id(), "output")
                .orElseGet(() -> credentials.credentialFor(b.accountId(), output).orElse(null));
        NitroConverted converted = convertToEif(new NitroConversion(input, inCred, options, b.createdAt().getEpochSecond(),
                b.dockerInfo().dockerImageName(), output, outCred, b.memSize(), b.threads(), b.enableOverlayFilesystemPersistence()),
                job::progress);
        DockerInfo docker = new DockerInfo(
                b.dockerInfo().dockerImageName(), b.dockerInfo().dockerVersion(), converted.inputDigest(), converted.inputBytes() >> 20,
                converted.ports());
        Map<Integer, String> measured = converted.pcrs();
        new org.springframework.transaction.support.TransactionTemplate(txManager()).executeWithoutResult(s -> {
            builds.applyConversion(b.accountId(), b.id(), new ImageAttributes(null, new ImageAttributes.NitroEnclave(
                    ImageAttributes.NitroHashAlgorithm.Sha384, measured.get(0), measured.get(1), measured.get(2), measured.get(8)), null, null, null, null),
                    docker);
            job.succeed(converted.inputBytes(), Map.of("output_image", output, "output_digest", converted.outputDigest()));
        });
    }

    /**
     * Fortanix's converter service for Nitro Enclaves: converts the input image and pushes the output now, in this
     * request, and registers nothing (no app, no image, no approval). Credentials given here are used for this call
     * only; otherwise the account's saved ones.
     */
    public NitroConverted convertNow(Caller caller, String inputImage, RegistryService.Credential inputCredential, String outputImage,
            RegistryService.Credential outputCredential, List<String> entrypoint, List<String> entrypointArgs, List<String> envVars,
            Long memSize, Integer cpuCount, boolean persistence) {
        String input = taggedImage("request.input_image.name", inputImage, inputCredential);
        String output = taggedImage("request.output_image.name", outputImage, outputCredential);
        ObjectNode options = converterOptions(entrypoint, entrypointArgs, envVars);
        RegistryService.Credential in = inputCredential != null ? inputCredential : credentials.credentialFor(caller.account(), input).orElse(null);
        RegistryService.Credential out = outputCredential != null ? outputCredential : credentials.credentialFor(caller.account(), output).orElse(null);
        String repository = input.substring(0, input.lastIndexOf(':'));
        Progress progress = (step, bytes) -> log.debug("converter tool: {} ({} bytes)", step, bytes);
        try {
            return convertToEif(new NitroConversion(input, in, options, clock.instant().getEpochSecond(), repository, output, out, memSize,
                    cpuCount, persistence), progress);
        } catch (Exception e) {
            throw toolFailure(e);
        }
    }

    /** What a failed conversion within a request answers: a 422 naming the input image, or the runtime error as it is. */
    static RuntimeException toolFailure(Exception e) {
        return switch (e) {
            case ConversionFailed f -> new org.openccm.server.error.ConversionRefused("request.input_image.name", f.getMessage());
            case RegistryException r -> new org.openccm.server.error.ConversionRefused("request.input_image.name", "registry: " + r.getMessage());
            case IOException io -> new org.openccm.server.error.ConversionRefused("request.input_image.name",
                    "the image could not be read: " + io.getMessage());
            case IllegalArgumentException bad -> new org.openccm.server.error.ConversionRefused("request.input_image.name", bad.getMessage());
            case RuntimeException r -> r;
            default -> new IllegalStateException(e);
        };
    }

    /** {@code name} with its tag ("latest" when it has none); refused by digest, or without a registry when credentials are given. */
    static String taggedImage(String field, String name, RegistryService.Credential credential) {
        String n = FieldRules.required(field, FieldRules.text(field, name, 512)).trim();
        if (n.contains("@")) {
            throw new InvalidField(field, "name the image by tag (repository:tag)");
        }
        try {
            Reference.parse(n);
        } catch (RuntimeException e) {
            throw new InvalidField(field, "not an image name: " + e.getMessage());
        }
        if (credential != null && org.openccm.server.registry.ImageNames.explicitRegistry(n).isEmpty()) {
            throw new InvalidField(field, "an image used with credentials must name its registry, e.g. docker.io/" + n);
        }
        int slash = n.lastIndexOf('/');
        return n.lastIndexOf(':') > slash ? n : n + ":latest";
    }

    /** Where a conversion reports its steps (a job's progress; nothing for the synchronous converter). */
    public interface Progress {
        void report(String step, long bytes);
    }

    /**
     * One Nitro conversion, for an image registered as a build or for the converter tool: {@code options} as
     * convert-app's converter options (entrypoint, entrypoint_args, env_vars); {@code createdAtEpochSeconds} stamps the
     * files of the ramdisk, so that a conversion is reproducible.
     */
    public record NitroConversion(String input, RegistryService.Credential inputCredential, JsonNode options, long createdAtEpochSeconds,
            String imageName, String output, RegistryService.Credential outputCredential, Long memSize, Integer threads,
            boolean persistence) {}

    /** What a conversion made: the input's digest and size, the PCRs, the pushed output's digest and size. */
    public record NitroConverted(String inputDigest, long inputBytes, Map<Integer, String> pcrs, String outputDigest, long outputBytes,
            List<DockerInfo.ExposedPort> ports) {}

    public NitroConverted convertToEif(NitroConversion conversion, Progress progress) throws Exception {
        // Everything big (layers, their tars, the customer ramdisk, the EIF, the output layer) lives in files here.
        Files.createDirectories(workDir);
        Path work = Files.createTempDirectory(workDir, "eif-");
        try {
            String input = conversion.input();
            Reference in = Reference.parse(input);
            RegistryService.Credential inCred = conversion.inputCredential();
            progress.report("pull manifest " + input, 0);
            OciRegistryClient.Manifest manifest = registry.manifest(in, inCred);
            JsonNode config = json.readTree(registry.blob(in, manifest.json().at("/config/digest").asString(), inCred));
            List<Path> layers = new ArrayList<>();
            long bytes = 0;
            int index = 0;
            for (JsonNode layer : manifest.json().path("layers")) {
                String digest = layer.path("digest").asString();
                Path blob = work.resolve("layer-" + index + ".blob");
                registry.downloadBlob(in, digest, inCred, blob);
                bytes += Files.size(blob);
                Path tar = work.resolve("layer-" + index++ + ".tar");
                try (java.io.InputStream raw = Files.newInputStream(blob)) {
                    Files.copy(org.openccm.server.conversion.aci.Tar2Ext4.decompressed(raw), tar);
                } catch (java.io.EOFException | java.util.zip.ZipException e) {
                    throw new ConversionFailed("layer " + index + " (" + digest + ") is not a valid compressed tar: " + e.getMessage());
                }
                Files.delete(blob);
                layers.add(tar);
                progress.report("pull layers", bytes);
            }
            progress.report("build ramdisks", bytes);
            JsonNode c = config.path("config");
            JsonNode options = conversion.options();
            // nitro-cli's rule: Cmd when set, else Entrypoint. An override (convert-app's converter options) runs
            // the given entrypoint (or the image's) with the given arguments.
            List<String> cmd = strings(c.path("Cmd").isArray() && !c.path("Cmd").isEmpty() ? c.path("Cmd") : c.path("Entrypoint"));
            if (options.has("entrypoint") || options.has("entrypoint_args")) {
                cmd = new ArrayList<>(strings(options.has("entrypoint") ? options.path("entrypoint") : c.path("Entrypoint")));
                cmd.addAll(strings(options.path("entrypoint_args")));
            }
            List<String> env = strings(c.path("Env"));
            if (options.has("env_vars")) {
                Map<String, String> merged = new LinkedHashMap<>();
                for (String e : env) {
                    merged.put(e.contains("=") ? e.substring(0, e.indexOf('=')) : e, e);
                }
                for (String e : strings(options.path("env_vars"))) {
                    merged.put(e.substring(0, e.indexOf('=')), e);
                }
                env = new ArrayList<>(merged.values());
            }
            if (cmd.isEmpty()) {
                throw new ConversionFailed("the image has neither Cmd nor Entrypoint (nitro-cli refuses it too)");
            }
            Path customer = work.resolve("customer.cpio");
            try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(customer), 1 << 16)) {
                CustomerRamdisk.write(
                        DockerExport.exportFiles(layers, conversion.createdAtEpochSeconds()),
                        CustomerRamdisk.configFile(cmd),
                        CustomerRamdisk.configFile(env),
                        out);
            }
            for (Path layer : layers) {
                Files.delete(layer);
            }
            byte[] bootstrap = BootstrapRamdisk.build(blob("init"), blob("nsm.ko"));
            progress.report("build EIF", bytes);
            ObjectNode metadata = json.createObjectNode();
            metadata.put("ImageName", conversion.imageName());
            metadata.put("ImageVersion", manifest.json().at("/config/digest").asString().replace("sha256:", ""));
            metadata.putObject("BuildMetadata").put("BuildTool", "openccm").put("BuildToolVersion", "0.1.0");
            metadata.set("DockerInfo", config);
            metadata.putNull("CustomMetadata");
            Path kernel = blobFile("bzImage");
            byte[] cmdline = new String(blob("cmdline"), StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII);
            List<EifBuilder.Part> sections = new ArrayList<>(List.of(
                    new EifBuilder.Part(EifSection.Type.KERNEL, new Content.FileSlice(kernel, 0, Files.size(kernel))),
                    new EifBuilder.Part(EifSection.Type.CMDLINE, Content.of(cmdline)),
                    new EifBuilder.Part(EifSection.Type.METADATA, Content.of(json.writeValueAsBytes(metadata))),
                    new EifBuilder.Part(EifSection.Type.RAMDISK, Content.of(bootstrap)),
                    new EifBuilder.Part(EifSection.Type.RAMDISK, new Content.FileSlice(customer, 0, Files.size(customer)))));
            Map<Integer, String> pcrs = EifMeasurements.ofParts(sections, null);
            if (signer != null) {
                // The signature covers PCR0, which the signature section itself does not change.
                progress.report("sign EIF", bytes);
                sections.add(new EifBuilder.Part(EifSection.Type.SIGNATURE, Content.of(signer.signatureSection(pcrs.get(0)))));
                pcrs = EifMeasurements.ofParts(sections, signer.certificateDer());
            }
            Path eif = work.resolve("enclave.eif");
            try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(eif), 1 << 16)) {
                EifBuilder.write(EifBuilder.Arch.X86_64, sections, out);
            }
            Files.delete(customer);

            String output = conversion.output();
            progress.report("push " + output, bytes);
            Pushed pushed = push(Reference.parse(output), conversion.outputCredential(), eif, pcrs, conversion, work);
            return new NitroConverted(manifest.digest(), bytes, pcrs, pushed.digest(), pushed.bytes(), exposedPorts(c));
        } finally {
            deleteRecursively(work);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    log.warn("Could not delete {}", f, e);
                }
            });
        } catch (IOException e) {
            log.warn("Could not clean {}", dir, e);
        }
    }

    private org.springframework.transaction.PlatformTransactionManager txManager;

    @org.springframework.beans.factory.annotation.Autowired
    void setTransactionManager(org.springframework.transaction.PlatformTransactionManager tx) {
        this.txManager = tx;
    }

    private org.springframework.transaction.PlatformTransactionManager txManager() {
        return txManager;
    }

    private record Pushed(String digest, long bytes) {}

    /** The output image: one layer holding the EIF, a config whose labels carry the PCRs. */
    private Pushed push(Reference out, RegistryService.Credential cred, Path eif, Map<Integer, String> pcrs, NitroConversion conversion,
            Path work) throws RegistryException, IOException {
        Path layer = work.resolve("output-layer.tar");
        try (java.io.OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(layer), 1 << 16)) {
            long size = Files.size(eif);
            o.write(tarHeader(EIF_PATH, size));
            Files.copy(eif, o);
            o.write(new byte[(int) ((512 - size % 512) % 512)]);
            o.write(new byte[1024]);
        }
        Files.delete(eif);
        ObjectNode config = json.createObjectNode().put("architecture", "amd64").put("os", "linux");
        ObjectNode cfg = config.putObject("config");
        ObjectNode labels = cfg.putObject("Labels");
        pcrs.forEach((i, v) -> labels.put("org.openccm.nitro.pcr" + i, v));
        cfg.putArray("Env")
                .add("EIF_PATH=/" + EIF_PATH)
                .add("MEM_SIZE=" + (conversion.memSize() == null ? 2048 : conversion.memSize()))
                .add("CPU_COUNT=" + (conversion.threads() == null ? 2 : conversion.threads()))
                .add("FILE_PERSISTENCE=" + conversion.persistence());
        String layerDigest = registry.pushBlob(out, layer, cred);
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layerDigest);
        byte[] configBytes = json.writeValueAsBytes(config);
        String configDigest = registry.pushBlob(out, configBytes, cred);
        ObjectNode manifest = json.createObjectNode().put("schemaVersion", 2).put("mediaType", OciRegistryClient.OCI_MANIFEST);
        manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json").put("digest", configDigest).put("size", configBytes.length);
        manifest.putArray("layers").addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar").put("digest", layerDigest).put("size", Files.size(layer));
        byte[] manifestBytes = json.writeValueAsBytes(manifest);
        long layerBytes = Files.size(layer);
        return new Pushed(registry.pushManifest(out, OciRegistryClient.OCI_MANIFEST, manifestBytes, cred),
                layerBytes + configBytes.length + manifestBytes.length);
    }

    private byte[] blob(String name) throws IOException, ConversionFailed {
        return Files.readAllBytes(blobFile(name));
    }

    private Path blobFile(String name) throws ConversionFailed {
        Path file = blobs.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new ConversionFailed("the Nitro blob set lacks " + file + " (configure openccm.conversion.blobs-dir)");
        }
        return file;
    }

    /** An image config's ExposedPorts ("8080/tcp", "53/udp"; no protocol means TCP), as docker_info records them. */
    static List<DockerInfo.ExposedPort> exposedPorts(JsonNode config) {
        List<DockerInfo.ExposedPort> ports = new ArrayList<>();
        config.path("ExposedPorts").propertyNames().forEach(p -> {
            String[] parts = p.split("/");
            boolean udp = parts.length > 1 && parts[1].equalsIgnoreCase("udp");
            ports.add(new DockerInfo.ExposedPort(Integer.parseInt(parts[0]), udp ? DockerInfo.Protocol.Udp : DockerInfo.Protocol.Tcp));
        });
        return ports;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    static byte[] tar(String name, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tarHeader(name, data.length));
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** A ustar header for one regular file of {@code size} bytes, owned by root, mode 0644. */
    static byte[] tarHeader(String name, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 0));
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        return h;
    }

    private static void put(byte[] h, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, offset, b.length);
    }

    static final class ConversionFailed extends Exception {
        private static final long serialVersionUID = 1L;

        ConversionFailed(String message) {
            super(message);
        }
    }

    Optional<Path> blobsDir() {
        return Optional.of(blobs);
    }
}
