// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The body of every error answer (RFC 9457 problem details with two extensions): {@code field} names the
 * request field at fault, {@code code} is stable for programs while {@code detail} is for people;
 * {@code request_id} is the request's {@code X-Request-Id}, found on every server log line about it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(
        String type, String title, int status, String code, String detail, String field, String reason, String requestId) {
    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;
    /** A detail that would echo a huge bad value back is cut here (the value is the client's own anyway). */
    static final int MAX_DETAIL = 500;
    static final int MAX_FIELD = 200;

    public ErrorBody {
        detail = cut(detail, MAX_DETAIL);
        field = cut(field, MAX_FIELD);
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max) + "... (" + text.length() + " characters)";
    }

    public static ErrorBody of(HttpStatus status, String code, String detail, String field) {
        return new ErrorBody("about:blank", status.getReasonPhrase(), status.value(), code, detail, field, null, RequestIds.current());
    }

    public ErrorBody withReason(String reason) {
        return new ErrorBody(type, title, status, code, detail, field, reason, requestId);
    }

    public ErrorBody withRequestId(String id) {
        return new ErrorBody(type, title, status, code, detail, field, reason, id);
    }

    public ResponseEntity<ErrorBody> toResponse() {
        return ResponseEntity.status(status).contentType(PROBLEM_JSON).body(this);
    }

    /** For filters that run before Spring MVC and must write the body themselves. */
    public String toJson() {
        StringBuilder json = new StringBuilder("{\"type\":\"about:blank\",\"title\":")
                .append(quote(title))
                .append(",\"status\":")
                .append(status)
                .append(",\"code\":")
                .append(quote(code))
                .append(",\"detail\":")
                .append(quote(detail));
        if (field != null) {
            json.append(",\"field\":").append(quote(field));
        }
        if (reason != null) {
            json.append(",\"reason\":").append(quote(reason));
        }
        if (requestId != null) {
            json.append(",\"request_id\":").append(quote(requestId));
        }
        return json.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
