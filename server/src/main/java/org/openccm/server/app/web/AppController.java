// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.identity.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.app.AdvancedSettings;
import org.openccm.server.app.App;
import org.openccm.server.app.AppDomain;
import org.openccm.server.app.AppRepository;
import org.openccm.server.app.AppService;
import org.openccm.server.app.AppService.AppRequest;
import org.openccm.server.app.AppType;
import org.openccm.server.app.DefaultBuildSettings;
import org.openccm.server.web.Page;
import org.openccm.server.web.SearchMetadata;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "App")
class AppController {
    private final AppService apps;

    AppController(AppService apps) {
        this.apps = apps;
    }

    /** CCM's AppBodyUpdateRequest (plus a rename); type and platform cannot change. */
    record AppUpdateRequest(
            String name,
            String description,
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
            UUID groupId) {
        AppRequest fields() {
            return new AppRequest(
                    name,
                    description,
                    null,
                    null,
                    inputImageName,
                    outputImageName,
                    isvprodid,
                    isvsvn,
                    memSize,
                    threads,
                    defaultBuildSettings,
                    allowedDomains,
                    advancedSettings,
                    labels,
                    customMetadata,
                    groupId);
        }
    }

    record AppResponse(
            UUID appId,
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
            List<String> whitelistedDomains,
            AdvancedSettings advancedSettings,
            Map<String, String> labels,
            Map<String, String> customMetadata,
            UUID groupId,
            UUID pendingTaskId,
            List<DomainInfo> domains,
            long createdAt,
            long updatedAt,
            List<String> domainsAdded,
            List<String> domainsRemoved) {
        /** {@code domains_added}: the requested domain names still waiting for approval; none is ever waiting for removal. */
        static AppResponse of(AppService.AppView view) {
            App a = view.app();
            return new AppResponse(
                    a.id(),
                    a.name(),
                    a.description(),
                    a.type(),
                    a.platform(),
                    // Fortanix's App requires these for every app: unset ones answer as empty / 0 / {}.
                    a.inputImageName() == null ? "" : a.inputImageName(),
                    a.outputImageName() == null ? "" : a.outputImageName(),
                    a.isvprodid() == null ? 0 : a.isvprodid(),
                    a.isvsvn() == null ? 0 : a.isvsvn(),
                    a.memSize() == null ? 0L : a.memSize(),
                    a.threads() == null ? 0 : a.threads(),
                    a.defaultBuildSettings() == null ? new DefaultBuildSettings(null, null) : a.defaultBuildSettings(),
                    a.allowedDomains(),
                    view.whitelistedDomains(),
                    a.advancedSettings(),
                    a.labels(),
                    a.customMetadata(),
                    a.groupId(),
                    view.domains().stream()
                            .filter(d -> d.status() == AppDomain.Status.PENDING)
                            .map(AppDomain::taskId)
                            .findFirst()
                            .orElse(null),
                    view.domains().stream()
                            .map(d -> new DomainInfo(d.name(), d.status(), d.taskId()))
                            .toList(),
                    a.createdAt().getEpochSecond(),
                    a.updatedAt().getEpochSecond(),
                    view.domains().stream().filter(d -> d.status() == AppDomain.Status.PENDING).map(AppDomain::name).toList(),
                    List.of());
        }
    }

    /** The approval state of one requested domain name (an OpenCCM addition). */
    record DomainInfo(String name, AppDomain.Status status, UUID taskId) {}

    record AppListResponse(SearchMetadata metadata, List<AppResponse> items) {}

    @PostMapping("/v1/apps")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Add an application")
    AppResponse create(@AuthenticationPrincipal Caller caller, @RequestBody AppRequest request) {
        return AppResponse.of(apps.view(apps.create(caller, request)));
    }

    @GetMapping("/v1/apps")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "List the applications of the selected account")
    AppListResponse list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String name,
            @RequestParam(name = "all_search", required = false) String allSearch,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Integer offset) {
        Page page = Page.of(limit, offset);
        UUID account = caller.account();
        var search = new AppRepository.Search(name, allSearch, page.limit(), page.offset());
        int total = apps.count(account, new AppRepository.Search(null, null, 1, 0));
        return new AppListResponse(
                page.metadata(total, apps.count(account, search)),
                apps.search(account, search).stream().map(a -> AppResponse.of(apps.view(a))).toList());
    }

    record LabelsCount(List<org.openccm.server.app.AppRepository.LabelCount> items) {}

    @GetMapping("/v1/apps/unique_labels/count")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Each label (key and value) of the selected account's apps, with how many apps carry it")
    LabelsCount labelCounts(@AuthenticationPrincipal Caller caller) {
        return new LabelsCount(apps.labelCounts(caller.account()));
    }

    @GetMapping("/v1/apps/{app-id}")
    @PreAuthorize(Roles.READ)
    AppResponse get(@AuthenticationPrincipal Caller caller, @PathVariable("app-id") UUID id) {
        return AppResponse.of(apps.view(apps.get(caller.account(), id)));
    }

    @PatchMapping("/v1/apps/{app-id}")
    @PreAuthorize(Roles.WRITE)
    AppResponse update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("app-id") UUID id,
            @RequestBody AppUpdateRequest request) {
        return AppResponse.of(apps.view(apps.update(caller, id, request.fields())));
    }

    @DeleteMapping("/v1/apps/{app-id}")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Delete an application that has no images")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable("app-id") UUID id) {
        apps.delete(caller, id);
        return ResponseEntity.noContent().build();
    }
}
