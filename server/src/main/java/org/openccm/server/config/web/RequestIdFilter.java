// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.openccm.server.error.web.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id before anything else runs: the caller's {@code X-Request-Id} when it is a plausible one
 * (so a proxy's or client's id follows the request through), a fresh one otherwise. It is answered in the same
 * header, put on every log line written while the request runs (MDC {@code request_id}) and into every error body,
 * so a user's error report leads straight to the server's lines about it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter extends OncePerRequestFilter {
    /** One line per request at DEBUG: enable with {@code LOGGING_LEVEL_ORG_OPENCCM_ACCESS=debug}. */
    private static final Logger access = LoggerFactory.getLogger("org.openccm.access");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
        long start = System.nanoTime();
        MDC.put(RequestIds.MDC_KEY, id);
        response.setHeader(RequestIds.HEADER, id);
        try {
            chain.doFilter(request, response);
        } finally {
            if (access.isDebugEnabled()) {
                access.debug("{} {} {} {} ms", request.getMethod(), request.getRequestURI(), response.getStatus(),
                        (System.nanoTime() - start) / 1_000_000);
            }
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }
}
