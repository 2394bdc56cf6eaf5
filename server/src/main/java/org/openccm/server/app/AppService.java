// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.identity.Caller;
import org.openccm.server.approval.Task;
import org.openccm.server.approval.TaskResolved;
import org.openccm.server.approval.TaskService;
import org.openccm.server.approval.TaskStatus;
import org.openccm.server.approval.TaskType;
import org.openccm.server.identity.Actor;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.Conflict;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.openccm.server.error.NotFound;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates, changes and removes applications; every rule that ties an app's fields to its type lives here. Each
 * domain name an app asks for waits in a DOMAIN_WHITELIST task until approved.
 */
@Service
public class AppService {
    private final AppRepository apps;
    private final AppDomainRepository domains;
    private final TaskService tasks;
    private final AuditLog audit;
    private final Clock clock;
    private final DomainNames domainNames;

    AppService(AppRepository apps, AppDomainRepository domains, TaskService tasks, AuditLog audit, Clock clock,
            @org.springframework.beans.factory.annotation.Value("${openccm.pki.allow-single-label-domains:false}") boolean singleLabel) {
        this.domainNames = new DomainNames(singleLabel);
        this.apps = apps;
        this.domains = domains;
        this.tasks = tasks;
        this.audit = audit;
        this.clock = clock;
    }

    /** An app with the approval state of each of its domain names. */
    public record AppView(App app, List<AppDomain> domains) {
        public List<String> whitelistedDomains() {
            return domains.stream()
                    .filter(d -> d.status() == AppDomain.Status.APPROVED)
                    .map(AppDomain::name)
                    .toList();
        }
    }

    public AppView view(App app) {
        return new AppView(app, domains.of(app.id()));
    }

    /**
     * CCM's AppRequest plus {@code type} (default ENCLAVE_OS, what every Fortanix app is) and {@code platform}, which
     * CCM keeps elsewhere. Null means "not given" (on update: "leave as is").
     */
    public record AppRequest(
            String name,
            String description,
            AppType type,
            Platform platform,
            String inputImageName,
            String outputImageName,
            Integer isvprodid,
            Integer isvsvn,
            Long memSize,
            Integer threads,
            DefaultBuildSettings defaultBuildSettings,
            List<String> allowedDomains,
            AdvancedSettings advancedSettings,
            Map<String, String> labels,
            Map<String, String> customMetadata,
            UUID groupId) {}

    /**
     * An Enclave OS app with no image yet becomes an ACI app when its first image is converted for ACI: Fortanix's
     * apps have no type, so its clients make an ACI app this way. Empty when the app has images or another type.
     */
    @org.springframework.transaction.annotation.Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public Optional<App> adoptForAci(org.openccm.server.identity.Caller caller, App app) {
        if (app.type() != AppType.ENCLAVE_OS || !apps.becomeAci(caller.account(), app.id(), clock.instant())) {
            return Optional.empty();
        }
        audit.append(caller.account(), caller.actor(), "app.type_changed", "app", app.id(),
                java.util.Map.of("from", "ENCLAVE_OS", "to", "ACI", "reason", "its first image was converted for ACI"));
        return apps.find(caller.account(), app.id());
    }

    public App get(UUID accountId, UUID id) {
        return apps.find(accountId, id).orElseThrow(() -> new NotFound("app", id));
    }

    public Optional<App> find(UUID accountId, UUID id) {
        return apps.find(accountId, id);
    }

    public Optional<App> findByName(UUID accountId, String name) {
        return apps.findByName(accountId, name);
    }

    public List<App> search(UUID accountId, AppRepository.Search search) {
        return apps.search(accountId, search);
    }

    public List<AppRepository.LabelCount> labelCounts(UUID accountId) {
        return apps.labelCounts(accountId);
    }

    public int count(UUID accountId, AppRepository.Search search) {
        return apps.count(accountId, search);
    }

    @Transactional
    public App create(Caller caller, AppRequest f) {
        UUID accountId = caller.account();
        // Fortanix's AppRequest has no type: its apps are Enclave OS apps (an input image converted to an output one).
        AppType type = f.type() == null ? AppType.ENCLAVE_OS : f.type();
        String name = FieldRules.required("name", FieldRules.text("name", f.name(), 100));
        Instant now = clock.instant();
        App app = validate(new App(
                UUID.randomUUID(),
                accountId,
                name,
                f.description(),
                type,
                platformFor(type, f.platform() != null || f.type() != null ? f.platform() : fortanixPlatform(f)),
                f.inputImageName(),
                f.outputImageName(),
                f.isvprodid(),
                f.isvsvn(),
                f.memSize(),
                f.threads(),
                domainNames.normalize("allowed_domains", f.allowedDomains()),
                f.defaultBuildSettings(),
                f.advancedSettings(),
                f.labels() == null ? Map.of() : f.labels(),
                f.customMetadata() == null ? Map.of() : f.customMetadata(),
                f.groupId(),
                now,
                now));
        requireUniqueName(accountId, app.name(), null);
        apps.insert(app);
        audit.append(accountId, caller.actor(), "app.created", "app", app.id(), Map.of(
                "name", app.name(), "type", app.type(), "allowed_domains", app.allowedDomains()));
        for (String domain : app.allowedDomains()) {
            requestDomain(caller.actor(), app, domain);
        }
        return app;
    }

    /** Changes the given fields; an app's type and platform are fixed because its images depend on them. */
    @Transactional
    public App update(Caller caller, UUID id, AppRequest f) {
        UUID accountId = caller.account();
        App old = get(accountId, id);
        App changed = validate(new App(
                old.id(),
                accountId,
                f.name() == null ? old.name() : FieldRules.text("name", f.name(), 100),
                f.description() == null ? old.description() : f.description(),
                old.type(),
                old.platform(),
                f.inputImageName() == null ? old.inputImageName() : f.inputImageName(),
                f.outputImageName() == null ? old.outputImageName() : f.outputImageName(),
                f.isvprodid() == null ? old.isvprodid() : f.isvprodid(),
                f.isvsvn() == null ? old.isvsvn() : f.isvsvn(),
                f.memSize() == null ? old.memSize() : f.memSize(),
                f.threads() == null ? old.threads() : f.threads(),
                f.allowedDomains() == null
                        ? old.allowedDomains()
                        : domainNames.normalize("allowed_domains", f.allowedDomains()),
                f.defaultBuildSettings() == null ? old.defaultBuildSettings() : f.defaultBuildSettings(),
                f.advancedSettings() == null ? old.advancedSettings() : f.advancedSettings(),
                f.labels() == null ? old.labels() : f.labels(),
                f.customMetadata() == null ? old.customMetadata() : f.customMetadata(),
                f.groupId() == null ? old.groupId() : f.groupId(),
                old.createdAt(),
                clock.instant()));
        requireUniqueName(accountId, changed.name(), id);
        apps.update(changed);
        List<String> added = changed.allowedDomains().stream()
                .filter(d -> !old.allowedDomains().contains(d))
                .toList();
        List<String> removed = old.allowedDomains().stream()
                .filter(d -> !changed.allowedDomains().contains(d))
                .toList();
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("changed", changedFields(old, changed));
        details.put("domains_added", added);
        details.put("domains_removed", removed);
        audit.append(accountId, caller.actor(), "app.updated", "app", id, details);
        for (String domain : removed) {
            // Taking a name away reduces trust at once; it needs no approval.
            domains.of(id).stream().filter(d -> d.name().equals(domain)).findFirst().ifPresent(d -> {
                tasks.cancel(accountId, d.taskId(), caller.actor());
                domains.delete(id, domain);
            });
        }
        for (String domain : added) {
            requestDomain(caller.actor(), changed, domain);
        }
        return changed;
    }

    /** Applies a DOMAIN_WHITELIST decision to the name it was about. */
    @EventListener
    void on(TaskResolved resolved) {
        Task task = resolved.task();
        if (task.type() != TaskType.DOMAIN_WHITELIST) {
            return;
        }
        AppDomain domain = domains.byTask(task.id())
                .orElseThrow(() -> new Conflict("status", "the domain name of task " + task.id() + " was removed"));
        if (!domainSubject(domain.appId(), domain.name()).equals(task.subject())) {
            throw new Conflict("status", "task " + task.id() + " does not approve domain " + domain.name());
        }
        AppDomain.Status status =
                resolved.outcome() == TaskStatus.APPROVED ? AppDomain.Status.APPROVED : AppDomain.Status.REJECTED;
        domains.setStatus(domain.appId(), domain.name(), status, resolved.at());
        audit.append(task.accountId(), resolved.decidedBy(), "domain.status_changed", "app", domain.appId(),
                Map.of("domain", domain.name(), "to", status, "task_id", task.id()));
    }

    private void requestDomain(Actor actor, App app, String domain) {
        Task task = tasks.open(
                app.accountId(),
                actor,
                new TaskService.Subject(
                        TaskType.DOMAIN_WHITELIST,
                        app.id(),
                        app.id(),
                        app.groupId(),
                        domainSubject(app.id(), domain),
                        "Approve domain name " + domain + " for app '" + app.name() + "'"));
        domains.insert(new AppDomain(app.id(), domain, AppDomain.Status.PENDING, task.id(), clock.instant()));
    }

    private static String domainSubject(UUID appId, String domain) {
        return "app_id=" + appId + "\ndomain=" + domain + "\n";
    }

    private static List<String> changedFields(App old, App changed) {
        List<String> fields = new java.util.ArrayList<>();
        var oldParts = old.getClass().getRecordComponents();
        for (var component : oldParts) {
            if (component.getName().equals("updatedAt")) {
                continue;
            }
            try {
                Object before = component.getAccessor().invoke(old);
                Object after = component.getAccessor().invoke(changed);
                if (!java.util.Objects.equals(before, after)) {
                    fields.add(component.getName());
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return fields;
    }

    /** Refused while images of the app exist: deleting them is a separate, deliberate act. */
    @Transactional
    public void delete(Caller caller, UUID id) {
        UUID accountId = caller.account();
        App app = get(accountId, id);
        try {
            apps.delete(accountId, id);
        } catch (DataIntegrityViolationException imagesExist) {
            throw new Conflict("app_id", "app " + id + " still has images; delete them first");
        }
        tasks.cancelPending(accountId, id, caller.actor());
        audit.append(accountId, caller.actor(), "app.deleted", "app", id, Map.of("name", app.name()));
    }

    private void requireUniqueName(UUID accountId, String name, UUID self) {
        apps.findByName(accountId, name)
                .filter(existing -> !existing.id().equals(self))
                .ifPresent(existing -> {
                    throw new Conflict("name", "an app named '" + name + "' exists already: " + existing.id());
                });
    }

    /**
     * The platform of an app made by a Fortanix client (no type, no platform): SGX when it sends SGX enclave settings
     * (isvprodid, isvsvn, mem_size, threads or default_build_settings.sgx) and none for Nitro, else Nitro (the guide's
     * default).
     */
    private static Platform fortanixPlatform(AppRequest f) {
        DefaultBuildSettings d = f.defaultBuildSettings();
        boolean sgx = f.isvprodid() != null || f.isvsvn() != null || f.memSize() != null || f.threads() != null || (d != null && d.sgx() != null);
        boolean nitro = d != null && d.nitroEnclaves() != null;
        return sgx && !nitro ? Platform.SGX : null;
    }

    private static Platform platformFor(AppType type, Platform requested) {
        return switch (type) {
            case EDP -> {
                Platform p = FieldRules.required("platform", requested);
                if (p != Platform.SGX && p != Platform.NITRO) {
                    throw new InvalidField("platform", "an EDP app runs on SGX or NITRO");
                }
                yield p;
            }
            case ENCLAVE_OS -> {
                // The guide: "AWS Nitro Enclaves is selected by default".
                Platform p = requested == null ? Platform.NITRO : requested;
                if (p != Platform.SGX && p != Platform.NITRO) {
                    throw new InvalidField("platform", "an Enclave OS app runs on SGX or NITRO");
                }
                yield p;
            }
            case ACI, AZURE_CVM, AMD_SEV_SNP, TDX -> {
                FieldRules.absent("platform", requested, "only EDP and ENCLAVE_OS apps choose a platform");
                yield null;
            }
        };
    }

    private static App validate(App a) {
        FieldRules.text("description", a.description(), 2000);
        FieldRules.range("isvprodid", a.isvprodid(), 0, 65535);
        FieldRules.range("isvsvn", a.isvsvn(), 0, 65535);
        FieldRules.range("mem_size", a.memSize(), 1L, 1L << 40);
        FieldRules.range("threads", a.threads(), 1, 4096);
        String input = imageName("input_image_name", a.inputImageName());
        String output = imageName("output_image_name", a.outputImageName());
        switch (a.type()) {
            case ENCLAVE_OS -> {
                FieldRules.required("input_image_name", input);
                FieldRules.required("output_image_name", output);
            }
            case ACI -> FieldRules.required("input_image_name", input);
            // Fortanix's AppRequest requires both names for every app: they are kept as sent and mean nothing for
            // these types (an ACI app runs its input image as it is; the others have no image to convert).
            case EDP, AZURE_CVM, AMD_SEV_SNP, TDX -> {}
        }
        if (a.defaultBuildSettings() != null) {
            DefaultBuildSettings d = a.defaultBuildSettings();
            if (d.sgx() != null) {
                FieldRules.range("default_build_settings.sgx.isvprodid", d.sgx().isvprodid(), 0, 65535);
                FieldRules.range("default_build_settings.sgx.mem_size", d.sgx().memSize(), 1L, 1L << 40);
                FieldRules.range("default_build_settings.sgx.threads", d.sgx().threads(), 1, 4096);
            }
            if (d.nitroEnclaves() != null) {
                FieldRules.range("default_build_settings.nitro_enclaves.cpu_count", d.nitroEnclaves().cpuCount(), 1, 4096);
                FieldRules.range(
                        "default_build_settings.nitro_enclaves.mem_size", d.nitroEnclaves().memSize(), 1L, 1L << 40);
            }
        }
        return a;
    }

    private static String imageName(String field, String value) {
        String name = FieldRules.text(field, value, 512);
        if (name != null && name.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidField(field, "an image name has no spaces");
        }
        return name;
    }
}
