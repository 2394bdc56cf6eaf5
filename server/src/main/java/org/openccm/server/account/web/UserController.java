// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.openccm.server.account.AccountService;
import org.openccm.server.identity.Caller;
import org.openccm.server.identity.Role;
import org.openccm.server.account.Roles;
import org.openccm.server.account.UserRepository.Member;
import org.openccm.server.account.UserRepository.User;
import org.openccm.server.web.Page;
import org.openccm.server.web.SearchMetadata;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Users")
class UserController {
    private final AccountService accounts;

    UserController(AccountService accounts) {
        this.accounts = accounts;
    }

    record UserResponse(
            UUID userId,
            String userEmail,
            String firstName,
            String lastName,
            Long createdAt,
            Long lastLoggedInAt,
            List<String> roles,
            UUID selectedAccountId) {
        static UserResponse of(User u, Role role, UUID account) {
            return new UserResponse(
                    u.id(),
                    u.email(),
                    u.firstName(),
                    u.lastName(),
                    u.createdAt().getEpochSecond(),
                    epoch(u.lastLoggedInAt()),
                    role == null ? List.of() : List.of(role.name()),
                    account);
        }
    }

    record AddMemberRequest(String userEmail, String password, String firstName, String lastName, Role role) {}

    record UserListResponse(SearchMetadata metadata, List<UserResponse> items) {}

    @GetMapping("/v1/user")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "The logged-in user and their role in the selected account")
    UserResponse me(@AuthenticationPrincipal Caller caller) {
        return UserResponse.of(accounts.user(caller), caller.role(), caller.accountId());
    }

    @GetMapping("/v1/users")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Members of the selected account")
    UserListResponse list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Integer offset) {
        Page page = Page.of(limit, offset);
        List<UserResponse> items = accounts.members(caller, page.limit(), page.offset()).stream()
                .map(m -> UserResponse.of(m.user(), m.role(), caller.accountId()))
                .toList();
        int total = accounts.countMembers(caller);
        return new UserListResponse(page.metadata(total, total), items);
    }

    @PostMapping("/v1/users")
    @PreAuthorize(Roles.ADMIN)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a member to the selected account (creating the user when the email is new)")
    UserResponse add(@AuthenticationPrincipal Caller caller, @RequestBody AddMemberRequest request) {
        Member m = accounts.addMember(
                caller,
                new AccountService.NewMember(
                        request.userEmail(), request.password(), request.firstName(), request.lastName(), request.role()));
        return UserResponse.of(m.user(), m.role(), caller.accountId());
    }

    private static Long epoch(Instant at) {
        return at == null ? null : at.getEpochSecond();
    }
}
