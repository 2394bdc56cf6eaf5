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
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
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
            UUID selectedAccountId,
            boolean emailVerified,
            String status,
            String userAccountStatus,
            Boolean acceptedLatestTermsAndConditions,
            String newEmail) {
        /**
         * {@code email_verified} is false: OpenCCM sends no e-mail. {@code accepted_latest_terms_and_conditions} and
         * {@code new_email} (Fortanix's terms and e-mail change) are never set.
         */
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
                    account,
                    false,
                    "ACTIVE",
                    role == null ? null : "ACTIVE",
                    null,
                    null);
        }
    }

    /**
     * OpenCCM's add-member request, which also takes Fortanix's SignupRequest / InviteUserRequest spellings:
     * {@code user_password} for {@code password}, {@code roles} (one) for {@code role}; {@code recaptcha_response} is
     * ignored (OpenCCM has no captcha: self-signup is off unless the operator turns it on).
     */
    record AddMemberRequest(
            String userEmail,
            @com.fasterxml.jackson.annotation.JsonAlias("user_password") String password,
            String firstName,
            String lastName,
            Role role,
            List<Role> roles,
            String recaptchaResponse) {
        Role oneRole() {
            return role != null ? role : roles == null || roles.isEmpty() ? null : roles.getFirst();
        }
    }

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

    @GetMapping("/v1/users/{user-id}")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "A member of the selected account")
    UserResponse member(@AuthenticationPrincipal Caller caller, @PathVariable("user-id") UUID userId) {
        var m = accounts.member(caller, userId);
        return UserResponse.of(m.user(), m.role(), caller.accountId());
    }

    /**
     * Fortanix's UpdateUserRequest. {@code roles}: the first is the member's new role (an ADMIN's change);
     * {@code first_name}/{@code last_name}: the user's own. Changing e-mail or account status is not offered.
     */
    record UpdateUserRequest(String firstName, String lastName, List<Role> roles, String userAccountStatus, String userEmail) {}

    @PatchMapping("/v1/users/{user-id}")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Change a member's role (ADMIN) or one's own names; user_email and user_account_status are refused")
    UserResponse update(
            @AuthenticationPrincipal Caller caller, @PathVariable("user-id") UUID userId, @RequestBody UpdateUserRequest request) {
        org.openccm.server.error.FieldRules.absent("user_email", request.userEmail(), "an e-mail address is not changed through the API");
        org.openccm.server.error.FieldRules.absent(
                "user_account_status", request.userAccountStatus(), "remove the member (DELETE /v1/users/{user-id}/accounts) instead");
        if (request.roles() != null && (request.roles().size() != 1 || request.roles().getFirst() == null)) {
            throw new org.openccm.server.error.InvalidField("roles", "exactly one role: a member has one role per account");
        }
        Role role = request.roles() == null ? null : request.roles().getFirst();
        var m = accounts.updateMember(caller, userId, request.firstName(), request.lastName(), role);
        return UserResponse.of(m.user(), m.role(), caller.accountId());
    }

    @DeleteMapping("/v1/users/{user-id}")
    @PreAuthorize(Roles.USER)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete your own user: you leave every account (one you are the only member of is deleted), your"
            + " sessions end, your e-mail, names and password are forgotten. Refused (409) while you are the last ADMIN of"
            + " an account others use. Any other id answers 403.")
    void deleteUser(@AuthenticationPrincipal Caller caller, @PathVariable("user-id") UUID userId) {
        accounts.deleteUser(caller, userId);
    }

    @DeleteMapping("/v1/users/{user-id}/accounts")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Remove a member from the selected account (an ADMIN, or the member leaving); the last ADMIN stays")
    ResponseEntity<Void> removeFromAccount(@AuthenticationPrincipal Caller caller, @PathVariable("user-id") UUID userId) {
        accounts.removeMember(caller, userId);
        return ResponseEntity.noContent().build();
    }

    /** Fortanix's UserAccountInfo. */
    record UserAccountInfo(List<String> roles, Role role, String status) {}

    @GetMapping("/v1/users/{user-id}/accounts")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "A user's accounts by id with the role in each: all of them for oneself; for an ADMIN, a member's accounts that the ADMIN administers too")
    java.util.Map<UUID, UserAccountInfo> accountsOf(@AuthenticationPrincipal Caller caller, @PathVariable("user-id") UUID userId) {
        java.util.Map<UUID, UserAccountInfo> out = new java.util.LinkedHashMap<>();
        for (var m : accounts.membershipsOf(caller, userId)) {
            out.put(m.account().id(), new UserAccountInfo(List.of(m.role().fortanixName()), m.role(), "ACTIVE"));
        }
        return out;
    }

    /**
     * The same answer whether the e-mail was known or not: nothing about another tenant's user is told. {@code user_id}
     * is the e-mail's user, made by the invitation when there was none (Fortanix's User requires it).
     */
    record MemberRequestedResponse(UUID userId, String userEmail, List<String> roles, Role role, UUID accountId) {
        static MemberRequestedResponse of(AccountService.MemberRequested m) {
            return new MemberRequestedResponse(m.userId(), m.email(), List.of(m.role().fortanixName()), m.role(), m.accountId());
        }
    }

    record InviteRequest(String userEmail, Role role, List<Role> roles, String firstName, String lastName) {}

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
    @PreAuthorize("isAnonymous() or " + Roles.ADMIN)
    @Operation(summary = "With an ADMIN's session: add a member to the selected account (a new e-mail with a password is"
            + " created and added; an existing user, or an e-mail without a password, is invited and must accept; the"
            + " answer is the same either way). Without a session: Fortanix's self-signup (SignupRequest), a new user with"
            + " no account, only when the server runs with OPENCCM_AUTH_SELF_SIGNUP=true; otherwise 401.")
    ResponseEntity<?> add(@AuthenticationPrincipal Caller caller, @RequestBody AddMemberRequest request) {
        if (caller == null) {
            User user = accounts.signUp(request.userEmail(), request.password(), request.firstName(), request.lastName());
            return ResponseEntity.status(HttpStatus.CREATED).body(UserResponse.of(user, null, null));
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(MemberRequestedResponse.of(accounts.addMember(caller,
                new AccountService.NewMember(request.userEmail(), request.password(), request.firstName(), request.lastName(), request.oneRole()))));
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
