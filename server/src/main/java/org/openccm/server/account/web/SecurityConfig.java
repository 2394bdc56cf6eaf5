// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account.web;

import java.util.List;
import org.openccm.server.account.Roles;
import org.openccm.server.identity.BearerCredentials;
import org.springframework.http.HttpMethod;
import org.openccm.server.error.web.ErrorBody;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Stateless bearer authentication for /v1; who may call each handler is declared on the handler with
 * {@code @PreAuthorize} (see {@link Roles}). Log-in and the API document are open.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
class SecurityConfig {

    @Bean
    SecurityFilterChain api(HttpSecurity http, List<BearerCredentials> credentials,
            @Value("${openccm.auth.self-signup:false}") boolean selfSignup) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new BearerAuthenticationFilter(credentials), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers(
                                    "/v1/sys/auth",
                                    "/v1/sys/auth/discover",
                                    "/v1/tasks/status/*",
                                    "/v1/sys/version",
                                    "/v1/openapi.json",
                                    "/v1/openapi.json/**",
                                    "/v1/docs",
                                    "/v1/swagger-ui/**")
                            .permitAll()
                            // A join token reaches these three and nothing else (the handlers check their roles again).
                            .requestMatchers(HttpMethod.POST, "/v1/attestation", "/v1/attestation/challenge", "/v1/nodes")
                            .authenticated();
                    // Self-signup, when turned on; the handler still wants an ADMIN from anyone who is logged in.
                    var signup = auth.requestMatchers(HttpMethod.POST, "/v1/users");
                    if (selfSignup) {
                        signup.permitAll();
                    } else {
                        signup.hasRole(Roles.USER_ROLE);
                    }
                    auth.requestMatchers("/v1/**").hasRole(Roles.USER_ROLE).anyRequest().permitAll();
                })
                .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> {
                            response.setStatus(HttpStatus.UNAUTHORIZED.value());
                            response.setHeader("WWW-Authenticate", "Bearer");
                            response.setContentType(ErrorBody.PROBLEM_JSON.toString());
                            response.getWriter()
                                    .write(ErrorBody.of(
                                                    HttpStatus.UNAUTHORIZED,
                                                    "unauthenticated",
                                                    "authentication required: log in with POST /v1/sys/auth and send"
                                                            + " Authorization: Bearer <access_token>",
                                                    null)
                                            .toJson());
                        })
                        .accessDeniedHandler((request, response, ex) -> {
                            response.setStatus(HttpStatus.FORBIDDEN.value());
                            response.setContentType(ErrorBody.PROBLEM_JSON.toString());
                            response.getWriter()
                                    .write(ErrorBody.of(HttpStatus.FORBIDDEN, "forbidden", "access denied", null)
                                            .toJson());
                        }));
        return http.build();
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role("ADMIN")
                .implies("EDITOR")
                .role("EDITOR")
                .implies("VIEWER")
                .build();
    }
}
