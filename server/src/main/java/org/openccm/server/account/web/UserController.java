// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.openccm.server.account.AccountService;
import org.openccm.server.account.InvitationRepository;
import org.openccm.server.identity.Caller;
import org.openccm.server.identity.Role;
import org.openccm.server.account.Roles;
import org.openccm.server.account.UserRepository.User;
import org.openccm.server.web.Page;
import org.openccm.server.web.SearchMetadata;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
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
            Role role,
            UUID selectedAccountId) {
        static UserResponse of(User u, Role role, UUID account) {
            return new UserResponse(
                    u.id(),
                    u.email(),
                    u.firstName(),
                    u.lastName(),
                    u.createdAt().getEpochSecond(),
                    epoch(u.lastLoggedInAt()),
                    role == null ? List.of() : List.of(role.fortanixName()),
                    role,
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

    /** The same answer whether the e-mail was known or not: nothing about another tenant's user is told. */
    record MemberRequestedResponse(String userEmail, List<String> roles, Role role, UUID accountId) {
        static MemberRequestedResponse of(AccountService.MemberRequested m) {
            return new MemberRequestedResponse(m.email(), List.of(m.role().fortanixName()), m.role(), m.accountId());
        }
    }

    record InviteRequest(String userEmail, Role role, List<Role> roles) {}

    record InvitationResponse(
            UUID invitationId, UUID accountId, String accountName, List<String> roles, Role role, long createdAt, long expiresAt) {
        static InvitationResponse of(InvitationRepository.Invitation i) {
            return new InvitationResponse(i.id(), i.accountId(), i.accountName(), List.of(i.role().fortanixName()), i.role(),
                    i.createdAt().getEpochSecond(),
                    i.expiresAt().getEpochSecond());
        }
    }

    record InvitationList(List<InvitationResponse> items) {}

    @PostMapping("/v1/users")
    @PreAuthorize(Roles.ADMIN)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a member to the selected account: a new e-mail with a password is created and added; an existing"
            + " user (or an e-mail without a password) is invited and must accept. The answer is the same either way.")
    MemberRequestedResponse add(@AuthenticationPrincipal Caller caller, @RequestBody AddMemberRequest request) {
        return MemberRequestedResponse.of(accounts.addMember(caller,
                new AccountService.NewMember(request.userEmail(), request.password(), request.firstName(), request.lastName(), request.role())));
    }

    @PostMapping("/v1/users/invite")
    @PreAuthorize(Roles.ADMIN)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Invite a user (existing or not) to the selected account; they accept after logging in")
    MemberRequestedResponse invite(@AuthenticationPrincipal Caller caller, @RequestBody InviteRequest request) {
        Role role = request.role() != null ? request.role()
                : request.roles() == null || request.roles().isEmpty() ? null : request.roles().getFirst();
        return MemberRequestedResponse.of(accounts.addMember(caller, new AccountService.NewMember(request.userEmail(), null, null, null, role)));
    }

    @GetMapping("/v1/user/invitations")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "The logged-in user's pending invitations to accounts")
    InvitationList invitations(@AuthenticationPrincipal Caller caller) {
        return new InvitationList(accounts.invitations(caller).stream().map(InvitationResponse::of).toList());
    }

    @PostMapping("/v1/user/invitations/{invitation-id}/accept")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "Accept an invitation: become a member of its account with its role")
    InvitationResponse accept(@AuthenticationPrincipal Caller caller, @PathVariable("invitation-id") UUID id) {
        return InvitationResponse.of(accounts.answerInvitation(caller, id, true));
    }

    @PostMapping("/v1/user/invitations/{invitation-id}/decline")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "Decline an invitation")
    InvitationResponse decline(@AuthenticationPrincipal Caller caller, @PathVariable("invitation-id") UUID id) {
        return InvitationResponse.of(accounts.answerInvitation(caller, id, false));
    }

    private static Long epoch(Instant at) {
        return at == null ? null : at.getEpochSecond();
    }
}
