// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config.web;

import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.openccm.server.error.web.ErrorBody;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's own error answers (a request it refuses before any filter runs: an encoded NUL or slash in the path, a
 * {@code ..} segment, an over-long request line) in the API's problem+json instead of an HTML page naming Tomcat.
 */
public class JsonErrorValve extends ErrorReportValve {
    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        HttpStatus http = HttpStatus.resolve(status);
        if (http == null) {
            http = HttpStatus.BAD_REQUEST;
        }
        String detail = status == 400 ? "the request's path or line is not acceptable (encoded NUL, slash or backslash, a '..' segment,"
                        + " or too long)" : http.getReasonPhrase();
        try {
            // Tomcat refused the request before RequestIdFilter ran: it gets its id here.
            String id = org.openccm.server.error.web.RequestIds.create();
            response.setHeader(org.openccm.server.error.web.RequestIds.HEADER, id);
            String body = ErrorBody.of(http, status == 400 ? "invalid_field" : "error", detail, status == 400 ? "path" : null)
                    .withRequestId(id)
                    .toJson();
            response.setContentType(ErrorBody.PROBLEM_JSON.toString());
            response.setCharacterEncoding("UTF-8");
            java.io.Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response was already committed: nothing more to say
        }
    }
}
