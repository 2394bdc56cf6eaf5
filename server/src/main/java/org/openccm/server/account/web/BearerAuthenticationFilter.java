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
import org.openccm.server.account.AccountService;
import org.openccm.server.identity.Caller;

/**
 * Turns {@code Authorization: Bearer <session token or API key>} into an authenticated {@link Caller}. A present
 * but invalid credential is refused here with 401, so a mistyped key never falls through to anonymous access.
 */
final class BearerAuthenticationFilter extends OncePerRequestFilter {
    private final AccountService accounts;

    BearerAuthenticationFilter(AccountService accounts) {
        this.accounts = accounts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response);
            return;
        }
        Optional<Caller> caller = accounts.authenticate(header.substring(7).trim());
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
        List<GrantedAuthority> authorities = new ArrayList<>();
        if (caller.get().role() != null) {
            authorities.add(new SimpleGrantedAuthority("ROLE_" + caller.get().role().name()));
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
