// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.server.account.AccountRepository.Membership;
import org.openccm.server.account.AccountService;
import org.openccm.server.identity.Caller;
import org.openccm.server.identity.Role;
import org.openccm.server.account.Roles;
import org.openccm.server.web.NodeEnrollment;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Accounts")
class AccountController {
    private final AccountService accounts;

    AccountController(AccountService accounts) {
        this.accounts = accounts;
    }

    /**
     * Fortanix's AccountRequest. {@code custom_logo}, {@code auth_configs} (single sign-on), {@code node_enrollment}
     * and {@code component} are accepted and not kept: OpenCCM has no logos and no SSO, always enforces attestation
     * for node enrollment, and has one component.
     */
    record AccountRequest(
            String name, String customLogo, List<Object> authConfigs, Object nodeEnrollment, String component) {}

    /**
     * Fortanix's Account: {@code roles} in its names (READER, WRITER, MANAGER), {@code role} in OpenCCM's.
     */
    record AccountResponse(
            UUID acctId,
            String name,
            long createdAt,
            List<String> roles,
            Role role,
            String status,
            String accountStatus,
            NodeEnrollment nodeEnrollment,
            String component,
            String customLogo,
            Map<String, Object> authConfigs,
            String defaultGroupId,
            String marketplaceGroupId) {
        /**
         * Fortanix's logo, single sign-on configurations and groups are accepted on update and change nothing here,
         * so they are never set.
         */
        static AccountResponse of(Membership m) {
            return new AccountResponse(
                    m.account().id(),
                    m.account().name(),
                    m.account().createdAt().getEpochSecond(),
                    List.of(m.role().fortanixName()),
                    m.role(),
                    "ACTIVE",
                    "Active",
                    NodeEnrollment.ENFORCED,
                    "DEFAULT",
                    null,
                    null,
                    null,
                    null);
        }
    }

    record AccountListResponse(List<AccountResponse> items) {}

    @GetMapping("/v1/accounts")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "The accounts the logged-in user belongs to, with their role in each")
    AccountListResponse list(@AuthenticationPrincipal Caller caller) {
        return new AccountListResponse(
                accounts.memberships(caller).stream().map(AccountResponse::of).toList());
    }

    @PostMapping("/v1/accounts")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "Create an account; the caller becomes its ADMIN")
    AccountResponse create(@AuthenticationPrincipal Caller caller, @RequestBody AccountRequest request) {
        return AccountResponse.of(accounts.createAccount(caller, request.name()));
    }

    /**
     * Fortanix's AccountUpdateRequest: {@code name} renames the account; the rest (logo, single sign-on
     * configurations, group ids, status, Azure CVM PCR priority) is accepted and changes nothing in OpenCCM.
     */
    record AccountUpdateRequest(
            String name,
            String customLogo,
            List<Object> addAuthConfigs,
            java.util.Map<String, Object> modAuthConfigs,
            List<String> delAuthConfigs,
            Boolean enabled,
            String defaultGroupId,
            String marketplaceGroupId,
            String accountStatus,
            Object azureCvmPcrPriority) {}

    @PatchMapping("/v1/accounts/{account-id}")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "Rename an account (its ADMIN); Fortanix's other account settings are accepted and ignored")
    AccountResponse update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("account-id") UUID accountId,
            @RequestBody AccountUpdateRequest request) {
        return AccountResponse.of(accounts.renameAccount(caller, accountId, request.name()));
    }

    @DeleteMapping("/v1/accounts/{account-id}")
    @PreAuthorize(Roles.USER)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete an account (its ADMIN) with everything in it, its audit chain included; a record of the"
            + " deletion (who, when, the chain's last seq and hash) is kept")
    void delete(@AuthenticationPrincipal Caller caller, @PathVariable("account-id") UUID accountId) {
        accounts.deleteAccount(caller, accountId);
    }

    @GetMapping("/v1/accounts/{account-id}")
    @PreAuthorize(Roles.USER)
    AccountResponse get(@AuthenticationPrincipal Caller caller, @PathVariable("account-id") UUID accountId) {
        return AccountResponse.of(accounts.membership(caller, accountId));
    }
}
