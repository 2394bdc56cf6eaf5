// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openccm.server.error.web.ErrorBody;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.openccm.server.account.Roles;
import org.openccm.server.identity.BearerCredentials;
import org.openccm.server.identity.Caller;

/**
 * Turns {@code Authorization: Bearer <session token, API key or join token>} into an authenticated {@link Caller}. A present
 * but invalid credential is refused here with 401, so a mistyped key never falls through to anonymous access.
 * Fortanix CCM's API description names the header {@code Authentication} (its security scheme), so clients generated
 * from it send the token there, with or without the {@code Bearer} prefix: that is accepted too.
 */
final class BearerAuthenticationFilter extends OncePerRequestFilter {
    private final List<BearerCredentials> credentials;

    BearerAuthenticationFilter(List<BearerCredentials> credentials) {
        this.credentials = List.copyOf(credentials);
    }

    /** Header Fortanix's description declares for its bearer token. */
    static final String FORTANIX_HEADER = "Authentication";

    private static String bearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        String fortanix = request.getHeader(FORTANIX_HEADER);
        if (fortanix == null || fortanix.isBlank()) {
            return null;
        }
        fortanix = fortanix.trim();
        return fortanix.regionMatches(true, 0, "Bearer ", 0, 7) ? fortanix.substring(7).trim() : fortanix;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String bearer = bearer(request);
        if (bearer == null) {
            chain.doFilter(request, response);
            return;
        }
        Optional<Caller> caller = credentials.stream()
                .map(kind -> kind.authenticate(bearer))
                .flatMap(Optional::stream)
                .findFirst();
        if (caller.isEmpty()) {
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            response.setContentType(ErrorBody.PROBLEM_JSON.toString());
            response.getWriter()
                    .write(ErrorBody.of(
                                    HttpStatus.UNAUTHORIZED,
                                    "unauthenticated",
                                    "the bearer token or API key is invalid, expired or revoked",
                                    null)
                            .toJson());
            return;
        }
        // A workload is only ever a WORKLOAD; users and API keys are USERs with their role in the selected account.
        List<GrantedAuthority> authorities = new ArrayList<>();
        if (caller.get().workload()) {
            authorities.add(new SimpleGrantedAuthority("ROLE_" + Roles.WORKLOAD_ROLE));
        } else {
            authorities.add(new SimpleGrantedAuthority("ROLE_" + Roles.USER_ROLE));
            if (caller.get().role() != null) {
                authorities.add(new SimpleGrantedAuthority("ROLE_" + caller.get().role().name()));
            }
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated(caller.get(), null, authorities);
        SecurityContextHolder.getContext().setAuthentication(authentication);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
