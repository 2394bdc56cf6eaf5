// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;

/** The console is served by the server itself, with a strict Content-Security-Policy; the API is not affected. */
class ConsoleServedTest extends ApiTest {

    @Test
    void theConsoleIsServedWithAStrictContentSecurityPolicy() {
        Api.Response page = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/")).GET());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>");
        assertThat(page.raw().headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");

        Api.Response script = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/ui/app.js")).GET());
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(script.raw().headers().firstValue("Content-Security-Policy")).isPresent();

        Api.Response document = Api.send(HttpRequest.newBuilder(URI.create(api.base() + "/v1/openapi.json")).GET());
        assertThat(document.raw().headers().firstValue("Content-Security-Policy")).isEmpty();
    }
}
