// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.openccm.server.account.AccountService;
import org.openccm.server.identity.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.error.Unauthenticated;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Auth")
class AuthController {
    private final AccountService accounts;
    private final java.time.Clock clock;

    AuthController(AccountService accounts, java.time.Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    record SessionInfo(
            UUID subjectId, long sessionExpiresAt, long sessionTokenExpiresAt, UUID selectedAccountId) {}

    record AuthResponse(String accessToken, String tokenType, long expiresIn, SessionInfo sessionInfo) {}

    record SelectAccountResponse(SessionInfo sessionInfo, String role) {}

    @PostMapping("/v1/sys/auth")
    @Operation(summary = "Log in with HTTP Basic (email, password); returns a bearer token for the other calls")
    ResponseEntity<AuthResponse> logIn(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String header,
            jakarta.servlet.http.HttpServletRequest request) {
        String[] credentials = basic(header);
        AccountService.LoggedIn in = accounts.logIn(credentials[0], credentials[1], request.getRemoteAddr());
        long expires = in.expiresAt().getEpochSecond();
        return ResponseEntity.ok()
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(new AuthResponse(
                        in.accessToken(),
                        "Bearer",
                        expires - clock.instant().getEpochSecond(),
                        new SessionInfo(in.userId(), in.sessionExpiresAt().getEpochSecond(), expires, in.selectedAccountId())));
    }

    @PostMapping("/v1/sys/session/select_account/{account-id}")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "Select the account this session works in")
    SelectAccountResponse selectAccount(
            @AuthenticationPrincipal Caller caller, @PathVariable("account-id") UUID accountId) {
        var membership = accounts.selectAccount(caller, accountId);
        var session = accounts.session(caller);
        long expires = session.map(s -> s.expiresAt().getEpochSecond()).orElse(0L);
        long end = session.map(s -> accounts.sessionEnd(s).getEpochSecond()).orElse(0L);
        return new SelectAccountResponse(
                new SessionInfo(caller.userId(), end, expires, accountId),
                membership.role().name());
    }

    record RefreshResponse(SessionInfo sessionInfo) {}

    @PostMapping("/v1/sys/session/refresh")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "Extend the session: the same token works for another token-ttl, up to the session's end (session_expires_at)")
    RefreshResponse refresh(@AuthenticationPrincipal Caller caller) {
        var session = accounts.refresh(caller);
        return new RefreshResponse(new SessionInfo(
                caller.userId(),
                accounts.sessionEnd(session).getEpochSecond(),
                session.expiresAt().getEpochSecond(),
                session.selectedAccountId()));
    }

    record AuthDiscoverRequest(String userEmail) {}

    /** Fortanix's AuthMethod: {@code password} present (an empty object) when passwords are accepted. */
    record AuthMethod(java.util.Map<String, Object> password) {}

    record AuthDiscoverResponse(java.util.List<AuthMethod> authMethods) {}

    @PostMapping("/v1/sys/auth/discover")
    @Operation(summary = "How a user may log in: OpenCCM has passwords (HTTP Basic on POST /v1/sys/auth) and no single sign-on,"
            + " for every user and account (acct_id is accepted and changes nothing); answered alike for unknown users")
    AuthDiscoverResponse discover(
            @RequestParam(name = "acct_id", required = false) UUID accountId,
            @RequestBody(required = false) AuthDiscoverRequest request) {
        return new AuthDiscoverResponse(java.util.List.of(new AuthMethod(java.util.Map.of())));
    }

    @PostMapping("/v1/sys/session/terminate")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "Log out: the session token stops working at once")
    ResponseEntity<Void> terminate(@AuthenticationPrincipal Caller caller) {
        accounts.terminate(caller);
        return ResponseEntity.noContent().build();
    }

    private static String[] basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new Unauthenticated("send the email and password as HTTP Basic credentials");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Unauthenticated("the Basic credentials are not valid base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new Unauthenticated("the Basic credentials must be email:password");
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }
}
