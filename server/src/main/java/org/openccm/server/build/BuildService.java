// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.app.App;
import org.openccm.server.app.AppService;
import org.openccm.server.approval.Task;
import org.openccm.server.approval.TaskService;
import org.openccm.server.approval.TaskType;
import org.openccm.server.error.Conflict;
import org.openccm.server.error.InvalidField;
import org.openccm.server.error.NotFound;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers images and their approval task together, enforces the guide's uniqueness rules, deletes images. */
@Service
public class BuildService {
    private final BuildRepository builds;
    private final AppService apps;
    private final TaskService tasks;
    private final Clock clock;

    BuildService(BuildRepository builds, AppService apps, TaskService tasks, Clock clock) {
        this.builds = builds;
        this.apps = apps;
        this.tasks = tasks;
        this.clock = clock;
    }

    public record Created(Build build, App app) {}

    @Transactional
    public Created create(UUID accountId, UUID userId, CreateBuildRequest request, BuildFiles files) {
        App app = app(accountId, request);
        Registration r = BuildRegistration.register(app, request, files);
        ReferenceValueText text = ReferenceValueText.of(r.platform(), r);
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
        Task task = tasks.open(
                accountId,
                TaskType.BUILD_WHITELIST,
                id,
                app.id(),
                text.fullSha256(),
                describe(app, r),
                userId,
                now);
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
                task.id(),
                userId,
                now,
                now);
        builds.insert(build);
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
    @Transactional
    public void delete(UUID accountId, UUID id) {
        if (!builds.delete(accountId, id)) {
            throw new NotFound("image", id);
        }
        tasks.cancelPending(accountId, id, clock.instant());
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
        String version = r.dockerInfo() == null ? "" : " " + r.dockerInfo().dockerImageName() + ":" + r.dockerInfo().dockerVersion();
        return "Approve image of app '" + app.name() + "'" + version + " on " + r.platform();
    }
}
