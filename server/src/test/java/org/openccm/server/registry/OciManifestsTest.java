// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OciManifestsTest {
    private static final String H = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:../../v2/other/blobs/x\"},\"layers\":[]}|config.digest",
        "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:a\"},\"layers\":[]}|config.digest",
        "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:AAAA\"},\"layers\":[]}|config.digest",
        "{\"schemaVersion\":1}|schemaVersion",
        "[]|not a JSON object",
        "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha512:x\"}]}|manifests[0].digest",
        "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"size\":-1},\"layers\":[]}|config.size"})
    void aManifestThatCouldSteerARequestOrIsNotOneIsRefused(String manifest, String named) {
        assertThatThrownBy(() -> OciManifests.parse(manifest.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
    }

    @org.junit.jupiter.api.Test
    void aWellFormedImageManifestPasses() {
        String m = "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" + H + "\",\"size\":12},\"layers\":[{\"digest\":\"sha256:" + H + "\",\"size\":3}]}";
        assertThat(OciManifests.parse(m.getBytes(StandardCharsets.UTF_8)).path("layers")).hasSize(1);
    }
}
