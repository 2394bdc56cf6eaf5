// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.identity.Caller;
import org.openccm.server.app.App;
import org.openccm.server.app.AppService;
import org.openccm.server.approval.Task;
import org.openccm.server.approval.TaskResolved;
import org.openccm.server.approval.TaskService;
import org.openccm.server.approval.TaskStatus;
import org.openccm.server.approval.TaskType;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.Conflict;
import org.openccm.server.error.InvalidField;
import org.openccm.server.error.NotFound;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Registers images together with their approval task, enforces the guide's uniqueness rules, applies approval
 * outcomes, deletes images. Every change is audited in its own transaction.
 */
@Service
public class BuildService {
    private final BuildRepository builds;
    private final AppService apps;
    private final TaskService tasks;
    private final AuditLog audit;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final Clock clock;

    BuildService(
            BuildRepository builds,
            AppService apps,
            TaskService tasks,
            AuditLog audit,
            org.springframework.context.ApplicationEventPublisher events,
            Clock clock) {
        this.builds = builds;
        this.apps = apps;
        this.tasks = tasks;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    public record Created(Build build, App app) {}

    @Transactional
    public Created create(Caller caller, CreateBuildRequest request, BuildFiles files) {
        UUID accountId = caller.account();
        App app = app(accountId, request);
        Registration r = BuildRegistration.register(app, request, files);
        ReferenceValueText text = ReferenceValueText.of(r);
        if (r.platform() == Platform.ACI) {
            builds.findAciTag(app.id(), r.dockerInfo().dockerVersion()).ifPresent(existing -> {
                throw new Conflict(
                        "docker_info.docker_version",
                        "app '" + app.name() + "' has an image with tag '" + r.dockerInfo().dockerVersion()
                                + "' already: " + existing + "; use a new tag");
            });
        }
        if (r.platform() == Platform.AZURE_CVM) {
            builds.findAzureCvmIdentity(accountId, text.identitySha256()).ifPresent(existing -> {
                throw new Conflict(
                        "attributes.azure_cvm.pcrs",
                        "image " + existing + " has exactly the same combination of PCR values;"
                                + " images must differ in at least one PCR");
            });
        }
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        UUID group = r.groupId() != null ? r.groupId() : app.groupId();
        // The image and its index rows are written before its task: opening the task writes the first audit entry,
        // and from then until the commit every writer of the account waits for this one.
        UUID taskId = UUID.randomUUID();
        Build build = new Build(
                id,
                accountId,
                app.id(),
                r.platform(),
                r.dockerInfo(),
                r.mrenclave(),
                r.mrsigner(),
                r.isvprodid(),
                r.isvsvn(),
                r.attributes(),
                r.advancedSettings(),
                r.launchHint(),
                r.memSize(),
                r.threads(),
                r.enableOverlayFilesystemPersistence(),
                r.groupId(),
                text.identitySha256(),
                BuildStatus.PENDING,
                now,
                DeploymentStatus.UNDEPLOYED,
                now,
                taskId,
                caller.userId(),
                now,
                now);
        builds.insert(build);
        Task task = tasks.open(
                taskId,
                accountId,
                caller.actor(),
                new TaskService.Subject(
                        TaskType.BUILD_WHITELIST, id, app.id(), group, text.full(), describe(app, r)));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("app_id", app.id());
        details.put("platform", r.platform());
        details.put("reference_values", text.full());
        details.put("task_id", task.id());
        audit.append(accountId, caller.actor(), "build.created", "build", id, details);
        events.publishEvent(new BuildCreated(build));
        return new Created(build, app);
    }

    public Build get(UUID accountId, UUID id) {
        return builds.find(accountId, id).orElseThrow(() -> new NotFound("image", id));
    }

    public List<Build> search(UUID accountId, BuildRepository.Search search) {
        return builds.search(accountId, search);
    }

    public int count(UUID accountId, BuildRepository.Search search) {
        return builds.count(accountId, search);
    }

    /** Removes the image; its open approval task is cancelled, not deleted, so the request stays on record. */
    /**
     * Fortanix's build configs (application configurations by id), kept as sent and returned with the image; OpenCCM
     * does not deliver them to workloads. At most 100 entries, each an object.
     */
    @Transactional
    public Build setConfigs(Caller caller, UUID id, java.util.Map<String, Object> configs) {
        UUID account = caller.account();
        Build b = get(account, id);
        if (configs == null) {
            return b; // nothing to change, as PATCH means
        }
        java.util.Map<String, Object> given = configs;
        if (given.size() > 100) {
            throw new org.openccm.server.error.InvalidField("configs", "at most 100 entries");
        }
        for (var e : given.entrySet()) {
            FieldRules.text("configs", e.getKey(), 200);
            if (!(e.getValue() instanceof java.util.Map<?, ?>)) {
                throw new org.openccm.server.error.InvalidField("configs." + e.getKey(), "an object is required");
            }
        }
        builds.setConfigs(account, id, given, clock.instant());
        audit.append(account, caller.actor(), "build.configs_changed", "build", id, java.util.Map.of("keys", given.keySet().stream().sorted().toList()));
        return get(account, b.id());
    }

    @Transactional
    public void delete(Caller caller, UUID id) {
        UUID accountId = caller.account();
        Build build = builds.lock(accountId, id).orElseThrow(() -> new NotFound("image", id));
        builds.delete(accountId, id);
        tasks.cancelPending(accountId, id, caller.actor());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("app_id", build.appId());
        details.put("status", build.status());
        details.put("reference_values", ReferenceValueText.of(build).full());
        audit.append(accountId, caller.actor(), "build.deleted", "build", id, details);
    }

    /**
     * Applies an approval decision to its image, in the deciding transaction. The approved text must still be the
     * image's reference values: a vote can never vouch for values it did not see.
     */
    @EventListener
    void on(TaskResolved resolved) {
        Task task = resolved.task();
        if (task.type() != TaskType.BUILD_WHITELIST) {
            return;
        }
        Build build = builds.lock(task.accountId(), task.entityId())
                .orElseThrow(() -> new Conflict("status", "the image of task " + task.id() + " no longer exists"));
        if (!ReferenceValueText.of(build).full().equals(task.subject())) {
            throw new Conflict(
                    "status", "image " + build.id() + " no longer has the reference values this task approves");
        }
        BuildStatus status = resolved.outcome() == TaskStatus.APPROVED ? BuildStatus.WHITELISTED : BuildStatus.REJECTED;
        builds.setStatus(build.id(), status, resolved.at());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", build.status());
        details.put("to", status);
        details.put("task_id", task.id());
        audit.append(task.accountId(), resolved.decidedBy(), "build.status_changed", "build", build.id(), details);
    }

    /**
     * Records the measurements a conversion produced. The image's reference values change, so its open task is
     * cancelled and a new one opened for the real PCRs: nobody can have approved values they never saw.
     */
    @Transactional
    public Build applyConversion(UUID accountId, UUID id, ImageAttributes attributes, DockerInfo docker) {
        org.openccm.server.identity.Actor system = org.openccm.server.identity.Actor.SYSTEM;
        Build old = builds.lock(accountId, id).orElseThrow(() -> new NotFound("image", id));
        App app = apps.get(accountId, old.appId());
        Build converted = new Build(
                old.id(), old.accountId(), old.appId(), old.platform(), docker, null, null, null, null, attributes,
                old.advancedSettings(), old.launchHint(), old.memSize(), old.threads(),
                old.enableOverlayFilesystemPersistence(), old.groupId(), null, BuildStatus.PENDING, clock.instant(),
                old.deploymentStatus(), old.deploymentStatusUpdatedAt(), null, old.createdBy(), old.createdAt(),
                clock.instant());
        ReferenceValueText text = ReferenceValueText.of(converted);
        tasks.cancelPending(accountId, id, system);
        Task task = tasks.open(
                accountId,
                new org.openccm.server.identity.Actor(old.createdBy(), null, null),
                new TaskService.Subject(
                        TaskType.BUILD_WHITELIST,
                        id,
                        app.id(),
                        old.groupId() != null ? old.groupId() : app.groupId(),
                        text.full(),
                        "Approve converted image of app '" + app.name() + "' " + docker.dockerImageName() + ":"
                                + docker.dockerVersion() + " on " + old.platform()));
        builds.setConversion(converted, docker, attributes, text.identitySha256(), task.id(), clock.instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reference_values", text.full());
        details.put("previous_status", old.status());
        details.put("task_id", task.id());
        audit.append(accountId, system, "build.converted", "build", id, details);
        return get(accountId, id);
    }

    /** The first accepted attestation of an image marks it DEPLOYED. */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void markDeployed(UUID accountId, UUID id, org.openccm.server.identity.Actor actor) {
        Build build = builds.lock(accountId, id).orElseThrow(() -> new NotFound("image", id));
        if (build.deploymentStatus() == DeploymentStatus.DEPLOYED) {
            return;
        }
        builds.setDeployed(id, clock.instant());
        audit.append(accountId, actor, "build.deployed", "build", id, Map.of("app_id", build.appId()));
    }

    private App app(UUID accountId, CreateBuildRequest r) {
        if (r.appId() == null && r.appName() == null) {
            throw new InvalidField("app_id", "required: the app_id (or app_name) of the image's application");
        }
        App byId = r.appId() == null
                ? null
                : apps.find(accountId, r.appId())
                        .orElseThrow(() -> new InvalidField("app_id", "no app " + r.appId() + " in this account"));
        if (r.appName() == null) {
            return byId;
        }
        App byName = apps.findByName(accountId, r.appName())
                .orElseThrow(() -> new InvalidField("app_name", "no app named '" + r.appName() + "' in this account"));
        if (byId != null && !byId.id().equals(byName.id())) {
            throw new InvalidField("app_name", "names another app than app_id");
        }
        return byName;
    }

    private static String describe(App app, Registration r) {
        String version = r.dockerInfo() == null
                ? ""
                : " " + r.dockerInfo().dockerImageName() + ":" + r.dockerInfo().dockerVersion();
        return "Approve image of app '" + app.name() + "'" + version + " on " + r.platform();
    }
}
