// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import tools.jackson.databind.JsonNode;

/** An answer of the server that is not a success: its status and problem+json body (code, field, reason, detail). */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient JsonNode body;

    ApiError(int status, JsonNode body, String method, String path) {
        super(describe(status, body, method, path));
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public JsonNode body() {
        return body;
    }

    /** Attestation refusals are checks that said no; other 4xx are refused requests; 5xx are failures. */
    public int exitCode() {
        if ("attestation_refused".equals(body.path("code").asString(""))) {
            return ExitCode.CHECK_FAILED;
        }
        return status >= 500 ? ExitCode.FAILED : ExitCode.REFUSED;
    }

    private static String describe(int status, JsonNode body, String method, String path) {
        StringBuilder s = new StringBuilder(method + " " + path + ": " + status);
        for (String field : new String[] {"reason", "field"}) {
            if (!body.path(field).asString("").isEmpty()) {
                s.append(' ').append(field).append('=').append(body.path(field).asString());
            }
        }
        String detail = body.path("detail").asString("");
        s.append(detail.isEmpty() ? "" : ": " + detail);
        // The id the server's log lines about this request carry: what an operator asks for first.
        String requestId = body.path("request_id").asString("");
        return s.append(requestId.isEmpty() ? "" : " (request id " + requestId + ")").toString();
    }
}
