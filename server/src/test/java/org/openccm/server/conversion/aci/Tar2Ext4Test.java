// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openccm.server.TestFiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * tar2ext4 against hcsshim's own output: for every vector the ext4 image is the ORACLE image byte for byte and the
 * layer hash is the one hcsshim computed; the upstream error case fails with upstream's reason.
 */
class Tar2Ext4Test {
    @TempDir
    Path tmp;

    static List<JsonNode> vectors() throws Exception {
        JsonNode expected = JsonMapper.builder().build()
                .readTree(Files.readString(TestFiles.vector("aci/tar2ext4/expected.json")));
        List<JsonNode> all = new ArrayList<>();
        expected.path("vectors").forEach(all::add);
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void reproducesHcsshim(JsonNode vector) throws Exception {
        Path input = TestFiles.vector("aci/tar2ext4/" + vector.path("file").asString());
        if (vector.has("expected_error")) {
            try (InputStream in = Files.newInputStream(input)) {
                assertThatThrownBy(() -> Tar2Ext4.rootHash(in))
                        .hasMessage(vector.path("expected_error").asString().replace("failed to convert tar to ext4: ", ""));
            }
            return;
        }
        if (vector.has("ext4_image")) {
            Path image = tmp.resolve("image.ext4");
            try (InputStream in = Tar2Ext4.decompressed(Files.newInputStream(input))) {
                Tar2Ext4.convert(in, image);
            }
            byte[] expected;
            try (InputStream gz = new GZIPInputStream(Files.newInputStream(
                    TestFiles.vector("aci/tar2ext4/" + vector.path("ext4_image").asString())))) {
                expected = gz.readAllBytes();
            }
            byte[] actual = Files.readAllBytes(image);
            assertThat(firstDifference(actual, expected)).as("first differing byte").isEqualTo(-1);
            assertThat(sha256(actual)).isEqualTo(vector.path("ext4_sha256").asString());
        }
        try (InputStream in = Files.newInputStream(input)) {
            assertThat(Tar2Ext4.rootHash(in)).isEqualTo(vector.path("dmverity_root_hash").asString());
        }
    }

    @Test
    void aFlippedByteOfFileDataChangesTheLayerHash() throws Exception {
        byte[] tar = Files.readAllBytes(TestFiles.vector("aci/tar2ext4/02-basic.tar"));
        String original = Tar2Ext4.rootHash(new ByteArrayInputStream(tar));
        int data = indexOf(tar, "etc/hostname") + 512; // the first byte of the file's content
        tar[data] ^= 1;
        assertThat(Tar2Ext4.rootHash(new ByteArrayInputStream(tar))).isNotEqualTo(original);
    }

    @Test
    void aTruncatedLayerIsRefused() throws Exception {
        byte[] tar = Files.readAllBytes(TestFiles.vector("aci/tar2ext4/02-basic.tar"));
        byte[] cut = java.util.Arrays.copyOf(tar, 1024 + 100);
        assertThatThrownBy(() -> Tar2Ext4.rootHash(new ByteArrayInputStream(cut)))
                .hasMessageContaining("ends inside");
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(needle + " not found");
    }

    private static long firstDifference(byte[] a, byte[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return a.length == b.length ? -1 : Math.min(a.length, b.length);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
