// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.identity.Caller;
import org.openccm.server.app.App;
import org.openccm.server.app.AppService;
import org.openccm.server.app.AppType;
import org.openccm.server.identity.Actor;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.build.Build;
import org.openccm.server.build.BuildCreated;
import org.openccm.server.build.BuildFiles;
import org.openccm.server.build.BuildService;
import org.openccm.server.build.CreateBuildRequest;
import org.openccm.server.build.DockerInfo;
import org.openccm.server.build.ImageAttributes;
import org.openccm.server.conversion.aci.AciDeploymentTemplate;
import org.openccm.server.conversion.aci.AciPolicyGenerator;
import org.openccm.server.conversion.aci.DmVerity;
import org.openccm.server.conversion.aci.Tar2Ext4;
import org.openccm.server.error.InvalidField;
import org.openccm.server.error.NotFound;
import org.openccm.server.registry.ImageNames;
import org.openccm.server.registry.OciRegistryClient;
import org.openccm.server.registry.OciRegistryClient.Reference;
import org.openccm.server.registry.OciRegistryClient.RegistryException;
import org.openccm.server.registry.RegistryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * "Generate secure policy" for an ACI image, in the background after its registration commits: pull the image's
 * manifest and config, hash every layer as ACI does (tar2ext4 + dm-verity, each layer checked against its diff_id
 * on the way), generate the confidential-container policy and the ARM template that deploys it, and record the
 * policy on the image, which opens its approval task for the policy's hash (the HOST_DATA of the group's SEV-SNP
 * reports). Layers stream through temporary files; none is held in memory.
 */
@Service
public class AciConversionService implements ConversionJobRunner.Handler {
    private static final Logger log = LoggerFactory.getLogger(AciConversionService.class);
    private final JdbcClient jdbc;
    private final OciRegistryClient registry;
    private final RegistryService credentials;
    private final BuildService builds;
    private final AppService apps;
    private final AuditLog audit;
    private final JobCredentials jobCredentials;
    private final JsonMapper json;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final TransactionTemplate newTx;
    private final Path workDir;
    private final org.springframework.context.ApplicationEventPublisher events;

    AciConversionService(
            JdbcClient jdbc,
            OciRegistryClient registry,
            RegistryService credentials,
            BuildService builds,
            AppService apps,
            AuditLog audit,
            JobCredentials jobCredentials,
            JsonMapper json,
            Clock clock,
            PlatformTransactionManager txManager,
            @Value("${openccm.data-dir}") Path dataDir,
            org.springframework.context.ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
        this.registry = registry;
        this.credentials = credentials;
        this.builds = builds;
        this.apps = apps;
        this.audit = audit;
        this.jobCredentials = jobCredentials;
        this.json = json;
        this.clock = clock;
        this.tx = new TransactionTemplate(txManager);
        this.newTx = new TransactionTemplate(txManager);
        newTx.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.workDir = dataDir.resolve("work");
    }

    /**
     * CCM's convert-app for ACI: registers the image (tag from the input name, "latest" if none) and queues its
     * policy with these options. A credential given here is used for this image only, sealed until the job ends.
     */
    @Transactional
    public BuildService.Created convert(Caller caller, UUID appId, String inputImage, RegistryService.Credential inline, AciOptions options) {
        String name = inputImage == null ? null : inputImage.trim();
        if (name == null || name.isEmpty()) {
            throw new InvalidField("input_image.name", "required");
        }
        if (name.contains("@")) {
            throw new InvalidField("input_image.name", "name the image by tag (repository:tag); the policy pins every layer anyway");
        }
        if (inline != null && ImageNames.explicitRegistry(name).isEmpty()) {
            // The guide: with a registry credential the image name must carry its registry (docker.io/...).
            throw new InvalidField("input_image.name", "an image pulled with credentials must name its registry, e.g. docker.io/" + name);
        }
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        String repository = colon > slash ? name.substring(0, colon) : name;
        String tag = colon > slash ? name.substring(colon + 1) : null;
        App app = apps.find(caller.account(), appId).orElseThrow(() -> new NotFound("app", appId));
        if (app.type() != AppType.ACI) {
            App found = app;
            app = apps.adoptForAci(caller, app).orElseThrow(() -> new InvalidField("app_id", "app '" + found.name() + "' is of type "
                    + found.type() + (found.type() == AppType.ENCLAVE_OS ? " and has images already" : "")
                    + "; ACI policies are for ACI apps (an Enclave OS app without images becomes one by its first ACI conversion)"));
        }
        BuildService.Created created = builds.create(
                caller,
                new CreateBuildRequest(new DockerInfo(repository, tag, null, null, null), null, null, null, null, appId, null,
                        null, null, null, null, null, null, null, null, null),
                BuildFiles.NONE);
        UUID id = created.build().id();
        byte[] sealed = jobCredentials.seal(id, inline, null);
        Instant now = clock.instant();
        jdbc.sql("INSERT INTO conversion_jobs (build_id, account_id, kind, state, step, options, input_credential_enc, created_at, updated_at)"
                        + " VALUES (?,?,'ACI','QUEUED','queued',?::jsonb,?,?,?)")
                .params(id, caller.account(), json.writeValueAsString(options), nullableBytes(sealed), Timestamp.from(now), Timestamp.from(now))
                .update();
        return created;
    }

    @TransactionalEventListener
    void on(BuildCreated created) {
        Build b = created.build();
        if (b.platform() != Platform.ACI || (b.attributes() != null && b.attributes().aci() != null)) {
            return;
        }
        Instant now = clock.instant();
        // An ACI image registered without a policy gets one generated with the defaults; convert() queued its own.
        // After commit the old transaction's connection is still bound: write in a new one, committed before the job runs.
        newTx.executeWithoutResult(s -> jdbc.sql("INSERT INTO conversion_jobs (build_id, account_id, kind, state, step, options, created_at, updated_at)"
                        + " VALUES (?,?,'ACI','QUEUED','queued',?::jsonb,?,?) ON CONFLICT (build_id) DO NOTHING")
                .params(b.id(), b.accountId(), json.writeValueAsString(AciOptions.DEFAULTS), Timestamp.from(now), Timestamp.from(now))
                .update());
        events.publishEvent(new ConversionQueued(b.id()));
    }

    /** The ARM template of a generated policy, ready to deploy. */
    public String armTemplate(UUID accountId, UUID buildId) {
        return output(accountId, buildId, "arm_template");
    }

    /** The policy text (Rego) whose SHA-256 the image carries. */
    public String policy(UUID accountId, UUID buildId) {
        return output(accountId, buildId, "policy");
    }

    private String output(UUID accountId, UUID buildId, String column) {
        record Row(String state, String value) {}
        Row row = jdbc.sql("SELECT state, " + column + " AS value FROM conversion_jobs WHERE account_id = ? AND build_id = ? AND kind = 'ACI'")
                .params(accountId, buildId)
                .query((rs, n) -> new Row(rs.getString("state"), rs.getString("value")))
                .optional()
                .orElseThrow(() -> new NotFound("generated ACI policy of image", buildId));
        if (row.value() == null) {
            throw new org.openccm.server.error.Conflict(null, "the policy of image " + buildId + " is not generated: the job is " + row.state()
                    + " (GET /v1/builds/" + buildId + "/conversion says why)");
        }
        return row.value();
    }

    @Override
    public ConversionJobRunner.JobKind kind() {
        return ConversionJobRunner.JobKind.ACI;
    }

    @Override
    public String failurePrefix() {
        return "policy generation failed";
    }

    @Override
    public boolean explains(Exception e) {
        return e instanceof IllegalArgumentException;
    }

    @Override
    public void run(ConversionJobRunner.ClaimedJob job, Build b) throws Exception {
        AciOptions options = json.readValue(
                jdbc.sql("SELECT options::text FROM conversion_jobs WHERE build_id = ?").param(b.id()).query(String.class).single(),
                AciOptions.class);
        String input = b.dockerInfo().dockerImageName() + ":" + b.dockerInfo().dockerVersion();
        RegistryService.Credential cred = jobCredentials.given(b.id(), "input").orElseGet(() -> credentials.credentialFor(b.accountId(), input).orElse(null));
        App app = apps.get(b.accountId(), b.appId());
        Policy made = policyOf(input, b.dockerInfo().dockerImageName(), cred, options, AciDeploymentTemplate.resourceName(app.name()), job::progress);
        DockerInfo docker = new DockerInfo(b.dockerInfo().dockerImageName(), b.dockerInfo().dockerVersion(), made.inputDigest(), made.bytes() >> 20,
                made.ports());
        tx.executeWithoutResult(s -> {
            builds.applyConversion(b.accountId(), b.id(), new ImageAttributes(null, null, new ImageAttributes.Aci(made.ccePolicy()), null, null, null), docker);
            job.succeed(made.bytes(), Map.of("policy", made.policy(), "arm_template", made.template()));
        });
    }

    /** An image's ACI policy and deployment template, and what was learnt of the image on the way. */
    public record Policy(String inputDigest, long bytes, String policy, String ccePolicy, String template, List<DockerInfo.ExposedPort> ports) {}

    /**
     * Pulls {@code input}'s layers (hashing each as dm-verity does) and makes its policy and ARM template; the template
     * deploys {@code repository@digest}, the exact image the policy pins.
     */
    public Policy policyOf(String input, String repository, RegistryService.Credential cred, AciOptions options, String containerName,
            ConversionService.Progress progress) throws Exception {
        List<Path> temporary = new ArrayList<>();
        try {
            Files.createDirectories(workDir);
            Reference ref = Reference.parse(input);
            progress.report("pull manifest " + input, 0);
            OciRegistryClient.Manifest manifest = registry.manifest(ref, cred);
            JsonNode config = json.readTree(registry.blob(ref, manifest.json().at("/config/digest").asString(), cred));
            JsonNode diffIds = config.at("/rootfs/diff_ids");
            JsonNode layers = manifest.json().path("layers");
            if (diffIds.size() != layers.size()) {
                throw new ConversionService.ConversionFailed("the image config lists " + diffIds.size() + " diff_ids for " + layers.size() + " layers");
            }
            List<String> hashes = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < layers.size(); i++) {
                String digest = layers.get(i).path("digest").asString();
                progress.report("hash layer " + (i + 1) + "/" + layers.size() + " " + digest, bytes);
                Path blob = Files.createTempFile(workDir, "layer", ".blob");
                temporary.add(blob);
                registry.downloadBlob(ref, digest, cred, blob);
                bytes += Files.size(blob);
                hashes.add(layerHash(blob, diffIds.get(i).asString(), i, digest, temporary));
                Files.deleteIfExists(blob);
            }

            JsonNode c = config.path("config");
            List<String> entrypoint = options.entrypoint() != null ? options.entrypoint() : nullableStrings(c.path("Entrypoint"));
            List<String> cmd = options.entrypointArgs() != null ? options.entrypointArgs() : nullableStrings(c.path("Cmd"));
            boolean overridden = options.entrypoint() != null || options.entrypointArgs() != null;
            String image = repository + "@" + manifest.digest();
            String policy = AciPolicyGenerator.policy(List.of(new AciPolicyGenerator.Container(
                    containerName, image, hashes, nullableStrings(c.path("Env")), entrypoint, cmd,
                    c.path("WorkingDir").asString(""), c.path("User").asString(""), c.path("StopSignal").asString(null),
                    options.env())), options.debug());
            String ccePolicy = AciPolicyGenerator.base64(policy);

            List<DockerInfo.ExposedPort> ports = ConversionService.exposedPorts(c);
            List<AciDeploymentTemplate.Port> templatePorts = ports.stream()
                    .map(p -> new AciDeploymentTemplate.Port(p.port(), p.protocol() == DockerInfo.Protocol.Udp ? "udp" : "tcp"))
                    .toList();
            List<String> command = null;
            if (overridden) {
                command = new ArrayList<>();
                if (entrypoint != null) {
                    command.addAll(entrypoint);
                }
                if (cmd != null) {
                    command.addAll(cmd);
                }
            }
            String template = json.writerWithDefaultPrettyPrinter().writeValueAsString(AciDeploymentTemplate.of(new AciDeploymentTemplate.Spec(
                    containerName, containerName, image, options.cpuCount(), options.gbMem(), templatePorts, command, options.env(),
                    cred == null ? null : registryHost(ref), cred == null ? null : cred.username(), ccePolicy)));

            return new Policy(manifest.digest(), bytes, policy, ccePolicy, template, ports);
        } finally {
            for (Path p : temporary) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("Could not delete {}", p, e);
                }
            }
        }
    }

    /**
     * Fortanix's converter service for ACI: the policy and deployment template of an image, made within the request,
     * nothing registered. OpenCCM's ACI policy pins the image as it is (no agent is added to it), so the converted
     * image is the input image, named by its digest.
     */
    public Policy policyNow(Caller caller, String inputImage, RegistryService.Credential inline, AciOptions options) {
        String tagged = ConversionService.taggedImage("request.input_image.name", inputImage, inline);
        String repository = tagged.substring(0, tagged.lastIndexOf(':'));
        RegistryService.Credential cred = inline != null ? inline : credentials.credentialFor(caller.account(), tagged).orElse(null);
        try {
            return policyOf(tagged, repository, cred, options, AciDeploymentTemplate.resourceName(repository.substring(repository.lastIndexOf('/') + 1)),
                    (step, bytes) -> log.debug("ACI converter tool: {} ({} bytes)", step, bytes));
        } catch (Exception e) {
            throw ConversionService.toolFailure(e);
        }
    }

    /** The layer's dm-verity root, after checking its uncompressed form hashes to the config's diff_id. */
    private String layerHash(Path blob, String diffId, int index, String digest, List<Path> temporary)
            throws IOException, ConversionService.ConversionFailed {
        Path image = Files.createTempFile(workDir, "layer", ".ext4");
        temporary.add(image);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream raw = Files.newInputStream(blob)) {
            InputStream tar = Tar2Ext4.decompressed(raw);
            DigestInputStream counted = new DigestInputStream(tar, sha);
            try {
                Tar2Ext4.convert(counted, image);
            } catch (IllegalArgumentException e) {
                throw new ConversionService.ConversionFailed("layer " + (index + 1) + " (" + digest + "): " + e.getMessage());
            }
            counted.transferTo(OutputStream.nullOutputStream());
        }
        String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(diffId)) {
            throw new ConversionService.ConversionFailed("layer " + (index + 1) + " (" + digest + ") uncompresses to " + actual
                    + ", not to the diff_id " + diffId + " its image config names");
        }
        String root = DmVerity.rootHash(image);
        Files.deleteIfExists(image);
        return root;
    }

    private static String registryHost(Reference ref) {
        return ref.registry().equals(ImageNames.DOCKER_HUB) ? "index.docker.io" : ref.registry();
    }

    private static List<String> nullableStrings(JsonNode array) {
        if (!array.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    private static Object nullableBytes(byte[] b) {
        return b == null ? new org.springframework.jdbc.core.SqlParameterValue(java.sql.Types.BINARY, null) : b;
    }

}
