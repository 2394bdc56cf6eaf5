// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class OpenApiDocumentTest extends ApiTest {

    @Test
    void theApiDocumentDescribesTheImageApiWithoutLoggingIn() {
        JsonNode doc = api.get("/v1/openapi.json").expect(200).body();

        assertThat(doc.path("openapi").asString()).startsWith("3.");
        assertThat(doc.at("/paths/~1v1~1builds/post")).isNotNull();
        assertThat(doc.at("/paths/~1v1~1builds/get").isMissingNode()).isFalse();
        assertThat(doc.at("/paths/~1v1~1apps~1{app-id}/patch").isMissingNode()).isFalse();
        assertThat(doc.at("/components/schemas/CreateBuildRequest/properties/docker_info").isMissingNode())
                .as("snake_case property names")
                .isFalse();
        assertThat(doc.at("/components/schemas/AdvancedSettings/properties/encryptedDirs").isMissingNode())
                .as("CCM's camelCase names where CCM uses them")
                .isFalse();
    }

    @Test
    void theBrowsablePageIsServed() {
        Api.Response docs = api.get("/v1/docs");
        String location = docs.raw().headers().firstValue("Location").orElse("");
        Api.Response page = api.get(location.replaceFirst("^https?://[^/]+", ""));

        assertThat(docs.status()).isEqualTo(302);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().body()).contains("swagger");
    }
}
