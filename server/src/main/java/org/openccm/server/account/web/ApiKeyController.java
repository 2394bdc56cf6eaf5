// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.openccm.server.account.AccountService;
import org.openccm.server.account.ApiKeyRepository.ApiKey;
import org.openccm.server.identity.Caller;
import org.openccm.server.identity.Role;
import org.openccm.server.account.Roles;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** API keys for automation: sent as {@code Authorization: Bearer occm_...}, bound to one account and role. */
@RestController
@Tag(name = "API keys")
class ApiKeyController {
    private final AccountService accounts;

    ApiKeyController(AccountService accounts) {
        this.accounts = accounts;
    }

    record ApiKeyRequest(String name, Role role) {}

    record ApiKeyResponse(
            UUID apiKeyId, String name, String role, long createdAt, Long lastUsedAt, Long revokedAt, String apiKey) {
        static ApiKeyResponse of(ApiKey k, String secret) {
            return new ApiKeyResponse(
                    k.id(),
                    k.name(),
                    k.role().name(),
                    k.createdAt().getEpochSecond(),
                    k.lastUsedAt() == null ? null : k.lastUsedAt().getEpochSecond(),
                    k.revokedAt() == null ? null : k.revokedAt().getEpochSecond(),
                    secret);
        }
    }

    record ApiKeyListResponse(List<ApiKeyResponse> items) {}

    @PostMapping("/v1/api_keys")
    @PreAuthorize(Roles.ADMIN)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an API key; the secret (api_key) is in this answer only")
    ApiKeyResponse create(@AuthenticationPrincipal Caller caller, @RequestBody ApiKeyRequest request) {
        AccountService.CreatedApiKey created = accounts.createApiKey(caller, request.name(), request.role());
        return ApiKeyResponse.of(created.key(), created.secret());
    }

    @GetMapping("/v1/api_keys")
    @PreAuthorize(Roles.ADMIN)
    ApiKeyListResponse list(@AuthenticationPrincipal Caller caller) {
        return new ApiKeyListResponse(accounts.apiKeys(caller).stream()
                .map(k -> ApiKeyResponse.of(k, null))
                .toList());
    }

    @DeleteMapping("/v1/api_keys/{api-key-id}")
    @PreAuthorize(Roles.ADMIN)
    ResponseEntity<Void> revoke(@AuthenticationPrincipal Caller caller, @PathVariable("api-key-id") UUID id) {
        accounts.revokeApiKey(caller, id);
        return ResponseEntity.noContent().build();
    }
}
