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
                        new SessionInfo(in.userId(), expires, expires, in.selectedAccountId())));
    }

    @PostMapping("/v1/sys/session/select_account/{account-id}")
    @PreAuthorize(Roles.USER)
    @Operation(summary = "Select the account this session works in")
    SelectAccountResponse selectAccount(
            @AuthenticationPrincipal Caller caller, @PathVariable("account-id") UUID accountId) {
        var membership = accounts.selectAccount(caller, accountId);
        long expires = accounts.session(caller)
                .map(s -> s.expiresAt().getEpochSecond())
                .orElse(0L);
        return new SelectAccountResponse(
                new SessionInfo(caller.userId(), expires, expires, accountId),
                membership.role().name());
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
