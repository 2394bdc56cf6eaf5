// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.openccm.server.error.BodyTooLarge;
import org.openccm.server.error.web.ErrorBody;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * What is refused or mended at the edge, before any controller: a path over {@value #MAX_URI} characters or with a
 * NUL; a query parameter with a NUL or over {@value #MAX_QUERY_VALUE} characters; a JSON body with a NUL character in
 * any name or string (PostgreSQL cannot store one) named by its path; and a body sent without a Content-Type or with
 * a wildcard one ({@code *}{@code /*}), which is read as the JSON every write endpoint takes.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class RequestHygieneFilter extends OncePerRequestFilter {
    static final int MAX_URI = 2048;
    static final int MAX_QUERY_VALUE = 4096;
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI();
        if (uri.length() > MAX_URI) {
            refuse(response, HttpStatus.URI_TOO_LONG, "path", "a path has at most " + MAX_URI + " characters");
            return;
        }
        if (decode(uri).indexOf('\0') >= 0) {
            refuse(response, HttpStatus.BAD_REQUEST, "path", "contains a NUL character");
            return;
        }
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                String field = name.length() > 100 ? name.substring(0, 100) : name;
                if (name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                    refuse(response, HttpStatus.BAD_REQUEST, field.replace('\0', ' '), "contains a NUL character");
                    return;
                }
                if (value.length() > MAX_QUERY_VALUE) {
                    refuse(response, HttpStatus.BAD_REQUEST, field, "at most " + MAX_QUERY_VALUE + " characters");
                    return;
                }
            }
        }
        boolean hasBody = request.getContentLengthLong() > 0 || "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding"));
        String contentType = request.getContentType();
        if (!hasBody || (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/"))) {
            chain.doFilter(request, response);
            return;
        }
        boolean unnamed = contentType == null || contentType.isBlank() || contentType.contains("*");
        String effective = unnamed ? "application/json" : contentType;
        if (!isJson(effective)) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (BodyTooLarge e) {
            refuse(response, HttpStatus.CONTENT_TOO_LARGE, null, e.getMessage());
            return;
        }
        String nul = nulPath(body);
        if (nul != null) {
            refuse(response, HttpStatus.BAD_REQUEST, nul, "contains a NUL character, which OpenCCM does not store");
            return;
        }
        chain.doFilter(new BufferedRequest(request, body, effective), response);
    }

    private static boolean isJson(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        type = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
        return type.equals("application/json") || type.endsWith("+json");
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // not percent-encoded as it should be: left to the rest to refuse
        }
    }

    /**
     * Where the first NUL character of a JSON document is, as a request field path ({@code labels.a}, {@code
     * allowed_domains[0]}); null when there is none. Only a document that holds a NUL byte or a {@code \}{@code u0000}
     * escape is parsed; one that does not parse is left to the JSON reader to refuse.
     */
    static String nulPath(byte[] body) {
        if (!mayHoldNul(body)) {
            return null;
        }
        try (JsonParser p = JSON.createParser(tools.jackson.core.ObjectReadContext.empty(), body)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if ((t == JsonToken.PROPERTY_NAME || t == JsonToken.VALUE_STRING) && p.getString().indexOf('\0') >= 0) {
                    return path(p.streamReadContext().pathAsPointer().toString());
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        return null;
    }

    private static boolean mayHoldNul(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                return true;
            }
            if (body[i] == '\\' && i + 5 < body.length && body[i + 1] == 'u' && body[i + 2] == '0' && body[i + 3] == '0'
                    && body[i + 4] == '0' && body[i + 5] == '0') {
                return true;
            }
        }
        return false;
    }

    /** A JSON pointer ({@code /a/0/b}) as the API names fields ({@code a[0].b}); the whole body when empty. */
    static String path(String pointer) {
        if (pointer.isEmpty() || pointer.equals("/")) {
            return "body";
        }
        StringBuilder out = new StringBuilder();
        for (String segment : pointer.substring(1).split("/", -1)) {
            String name = segment.replace("~1", "/").replace("~0", "~").replace('\0', ' ');
            if (name.matches("\\d{1,9}")) {
                out.append('[').append(name).append(']');
            } else {
                out.append(out.isEmpty() ? "" : ".").append(name);
            }
        }
        return out.toString();
    }

    private static void refuse(HttpServletResponse response, HttpStatus status, String field, String rule) throws IOException {
        response.setStatus(status.value());
        response.setContentType(ErrorBody.PROBLEM_JSON.toString());
        String detail = field == null ? rule : field + ": " + rule;
        response.getOutputStream().write(ErrorBody.of(status, status == HttpStatus.CONTENT_TOO_LARGE ? "body_too_large" : "invalid_field", detail, field)
                .toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** The request with its body read (and checked) once, and the Content-Type it is read as. */
    private static final class BufferedRequest extends HttpServletRequestWrapper {
        private final byte[] body;
        private final String contentType;

        BufferedRequest(HttpServletRequest request, byte[] body, String contentType) {
            super(request);
            this.body = body;
            this.contentType = contentType;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getHeader(String name) {
            return name.equalsIgnoreCase("Content-Type") ? contentType : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return name.equalsIgnoreCase("Content-Type") ? Collections.enumeration(List.of(contentType)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>(Collections.list(super.getHeaderNames()));
            if (names.stream().noneMatch(n -> n.equalsIgnoreCase("Content-Type"))) {
                names.add("Content-Type");
            }
            return Collections.enumeration(names);
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
