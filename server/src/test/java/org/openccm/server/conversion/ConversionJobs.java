// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.openccm.server.Api;
import org.openccm.server.registry.TestRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What the conversion tests do through the API: save the loopback registry's credentials, wait for a job. */
final class ConversionJobs {
    private ConversionJobs() {}

    /** Waits until the image's job ends and asserts how; returns the job. */
    static JsonNode awaitJob(Api api, String build, String state) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = api.get("/v1/builds/" + build + "/conversion").expect(200).body();
            String s = last[0].path("state").asString();
            return s.equals("SUCCEEDED") || s.equals("FAILED");
        });
        assertThat(last[0].path("state").asString()).as(last[0].toString()).isEqualTo(state);
        return last[0];
    }

    static void saveCredentials(Api api, String host, String password) {
        ObjectNode r = Api.object().put("url", host);
        r.putObject("credential").putObject("default").put("username", TestRegistry.USER).put("password", password);
        api.post("/v1/registry", r).expect(200);
    }
}
