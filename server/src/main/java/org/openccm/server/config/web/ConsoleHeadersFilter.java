// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The console (/, /index.html, /ui/**) runs only its own scripts and styles: a strict Content-Security-Policy
 * means that text from the API, if it ever reached the page as markup, still could not run. The console builds
 * its DOM from data and never parses API text as HTML; this is the second wall. It is not framed anywhere.
 */
@Component
class ConsoleHeadersFilter extends OncePerRequestFilter {
    static final String POLICY = "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none';"
            + " form-action 'self'; frame-ancestors 'none'";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/") || path.equals("/index.html") || path.startsWith("/ui/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("Referrer-Policy", "no-referrer");
        chain.doFilter(request, response);
    }
}
