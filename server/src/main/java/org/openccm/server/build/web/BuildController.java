// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.identity.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.app.App;
import org.openccm.server.app.AppService;
import org.openccm.server.build.Build;
import org.openccm.server.build.BuildFiles;
import org.openccm.server.build.BuildRepository;
import org.openccm.server.build.BuildService;
import org.openccm.server.build.BuildStatus;
import org.openccm.server.build.CreateBuildRequest;
import org.openccm.server.build.DeploymentStatus;
import org.openccm.server.error.web.ApiExceptionHandler;
import org.openccm.server.web.Page;
import org.openccm.server.web.SearchMetadata;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

@RestController
@Tag(name = "Build")
class BuildController {
    private final BuildService builds;
    private final AppService apps;
    private final JsonMapper json;

    BuildController(BuildService builds, AppService apps, JsonMapper json) {
        this.builds = builds;
        this.apps = apps;
        this.json = json;
    }

    record BuildListResponse(SearchMetadata metadata, List<BuildResponse> items) {}

    @PostMapping(path = "/v1/builds", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Create a new image (CCM CreateBuildRequest); opens its BUILD_WHITELIST approval task")
    BuildResponse create(@AuthenticationPrincipal Caller caller, @RequestBody CreateBuildRequest request) {
        BuildService.Created created = builds.create(caller, request, BuildFiles.NONE);
        return BuildResponse.of(created.build(), created.app());
    }

    @PostMapping(path = "/v1/builds", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @PreAuthorize(Roles.WRITE)
    @Operation(
            summary = "Create a new image from uploaded files: part 'build' (the JSON request), 'sigstruct' (an SGX"
                    + " SIGSTRUCT file) and/or 'nitro_measurements' (nitro-cli build-enclave output)")
    BuildResponse createWithFiles(
            @AuthenticationPrincipal Caller caller,
            @RequestPart("build") String build,
            @RequestPart(name = "sigstruct", required = false) MultipartFile sigstruct,
            @RequestPart(name = "nitro_measurements", required = false) MultipartFile measurements) {
        CreateBuildRequest request;
        try {
            request = json.readValue(build, CreateBuildRequest.class);
        } catch (JacksonException e) {
            throw ApiExceptionHandler.invalidJson(e, "build");
        }
        BuildFiles files = new BuildFiles(
                sigstruct == null ? null : bytes(sigstruct),
                measurements == null ? null : new String(bytes(measurements), StandardCharsets.UTF_8));
        BuildService.Created created = builds.create(caller, request, files);
        return BuildResponse.of(created.build(), created.app());
    }

    @GetMapping("/v1/builds")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "List the images of the selected account")
    BuildListResponse list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(name = "app_id", required = false) UUID appId,
            @RequestParam(required = false) BuildStatus status,
            @RequestParam(required = false) Platform platform,
            @RequestParam(name = "deployed_status", required = false) DeploymentStatus deployedStatus,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Integer offset) {
        Page page = Page.of(limit, offset);
        UUID account = caller.account();
        var search = new BuildRepository.Search(appId, status, platform, deployedStatus, page.limit(), page.offset());
        int total = builds.count(account, new BuildRepository.Search(null, null, null, null, 1, 0));
        Map<UUID, App> appsById = new HashMap<>();
        List<BuildResponse> items = builds.search(account, search).stream()
                .map(b -> BuildResponse.of(
                        b, appsById.computeIfAbsent(b.appId(), id -> apps.find(account, id).orElse(null))))
                .toList();
        return new BuildListResponse(page.metadata(total, builds.count(account, search)), items);
    }

    @GetMapping("/v1/builds/{build-id}")
    @PreAuthorize(Roles.READ)
    BuildResponse get(@AuthenticationPrincipal Caller caller, @PathVariable("build-id") UUID id) {
        Build b = builds.get(caller.account(), id);
        return BuildResponse.of(b, apps.find(caller.account(), b.appId()).orElse(null));
    }

    /** Fortanix's BuildUpdateRequest. */
    record BuildUpdateRequest(Map<String, Object> configs) {}

    @org.springframework.web.bind.annotation.PatchMapping("/v1/builds/{build-id}")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Replace the image's configs (Fortanix's application configurations by id): kept and returned,"
            + " not delivered to workloads; the reference values of an image never change")
    BuildResponse update(
            @AuthenticationPrincipal Caller caller, @PathVariable("build-id") UUID id, @RequestBody BuildUpdateRequest request) {
        Build b = builds.setConfigs(caller, id, request.configs());
        return BuildResponse.of(b, apps.find(caller.account(), b.appId()).orElse(null));
    }

    @DeleteMapping("/v1/builds/{build-id}")
    @PreAuthorize(Roles.WRITE)
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable("build-id") UUID id) {
        builds.delete(caller, id);
        return ResponseEntity.noContent().build();
    }

    static byte[] bytes(MultipartFile file) {
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
