// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openccm.server.TestFiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dm-verity root of every ORACLE ext4 image of the tar2ext4 vectors is the layer hash hcsshim computed. */
class DmVerityTest {

    static java.util.stream.Stream<JsonNode> vectors() throws Exception {
        JsonNode expected = JsonMapper.builder().build()
                .readTree(Files.readString(TestFiles.vector("aci/tar2ext4/expected.json")));
        java.util.List<JsonNode> withImages = new java.util.ArrayList<>();
        expected.path("vectors").forEach(v -> {
            if (v.has("ext4_image")) {
                withImages.add(v);
            }
        });
        return withImages.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theRootHashOfTheOracleExt4ImageIsTheLayerHash(JsonNode vector) throws Exception {
        byte[] gz = Files.readAllBytes(TestFiles.vector("aci/tar2ext4/" + vector.path("ext4_image").asString()));
        byte[] image;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            image = in.readAllBytes();
        }

        assertThat(image).hasSize(vector.path("ext4_bytes").asInt());
        assertThat(DmVerity.rootHash(image)).isEqualTo(vector.path("dmverity_root_hash").asString());
    }
}
