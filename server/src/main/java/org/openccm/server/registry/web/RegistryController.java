// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.server.identity.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.app.App;
import org.openccm.server.app.AppService;
import org.openccm.server.error.FieldRules;
import org.openccm.server.registry.Registry;
import org.openccm.server.registry.RegistryService;
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

/** CCM's /v1/registry API. Passwords go in and are never sent back. */
@RestController
@Tag(name = "Registry")
class RegistryController {
    private final RegistryService registries;
    private final AppService apps;

    RegistryController(RegistryService registries, AppService apps) {
        this.registries = registries;
        this.apps = apps;
    }

    record AuthConfig(String username, String password) {}

    record RegistryRequest(String url, Credential credential, String description) {}

    /** CCM's CredentialType: {"default": {"username", "password"}}. */
    record Credential(@com.fasterxml.jackson.annotation.JsonProperty("default") AuthConfig defaultCredential) {}

    record RegistryResponse(UUID registryId, String url, String description, String username, long createdAt, long updatedAt) {
        static RegistryResponse of(Registry r) {
            return r == null
                    ? null
                    : new RegistryResponse(
                            r.id(), r.url(), r.description(), r.username(), r.createdAt().getEpochSecond(), r.updatedAt().getEpochSecond());
        }
    }

    record AppRegistryResponse(RegistryResponse inputImageRegistry, RegistryResponse outputImageRegistry) {}

    record ImageRegistryResponse(RegistryResponse registry) {}

    @PostMapping("/v1/registry")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Save credentials for a registry; the password is sealed and never returned")
    RegistryResponse create(@AuthenticationPrincipal Caller caller, @RequestBody RegistryRequest request) {
        Credential credential = FieldRules.required("credential", request.credential());
        AuthConfig auth = FieldRules.required("credential.default", credential.defaultCredential());
        return RegistryResponse.of(
                registries.create(caller, request.url(), request.description(), auth.username(), auth.password()));
    }

    @GetMapping("/v1/registry")
    @PreAuthorize(Roles.READ)
    List<RegistryResponse> list(@AuthenticationPrincipal Caller caller) {
        return registries.list(caller.account()).stream().map(RegistryResponse::of).toList();
    }

    @GetMapping("/v1/registry/{registry-id}")
    @PreAuthorize(Roles.READ)
    RegistryResponse get(@AuthenticationPrincipal Caller caller, @PathVariable("registry-id") UUID id) {
        return RegistryResponse.of(registries.get(caller.account(), id));
    }

    @PatchMapping("/v1/registry/{registry-id}")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "JSON Patch: replace /url, /description, /credential/default/username or /credential/default/password")
    RegistryResponse patch(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("registry-id") UUID id,
            @RequestBody List<Map<String, Object>> operations) {
        return RegistryResponse.of(registries.patch(caller, id, operations));
    }

    @DeleteMapping("/v1/registry/{registry-id}")
    @PreAuthorize(Roles.WRITE)
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable("registry-id") UUID id) {
        registries.delete(caller, id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/v1/registry/app/{app-id}")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The saved registries an app's input and output images use")
    AppRegistryResponse forApp(@AuthenticationPrincipal Caller caller, @PathVariable("app-id") UUID appId) {
        UUID account = caller.account();
        App app = apps.get(account, appId);
        return new AppRegistryResponse(
                app.inputImageName() == null ? null : RegistryResponse.of(registries.forImage(account, app.inputImageName()).orElse(null)),
                app.outputImageName() == null ? null : RegistryResponse.of(registries.forImage(account, app.outputImageName()).orElse(null)));
    }

    @GetMapping("/v1/image/registry")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The saved registry an image name would be pulled from (Docker Hub for a bare name)")
    ImageRegistryResponse forImage(@AuthenticationPrincipal Caller caller, @RequestParam("image_name") String imageName) {
        return new ImageRegistryResponse(RegistryResponse.of(registries.forImage(caller.account(), imageName).orElse(null)));
    }
}
