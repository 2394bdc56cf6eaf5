// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An independent ext4 checker accepts what tar2ext4 writes: e2fsck (Debian's e2fsprogs) in read-only mode on
 * random layers (nested directories, files of every size class, short and long symlinks, hard links, devices,
 * whiteouts, opaque directories) and on a layer large enough to need two block groups.
 *
 * <p>e2fsck 1.47 reports one finding on every image, the ORACLE ones from hcsshim included: the padding bits at
 * the end of the inode bitmap are not set. compactext4 writes them that way and the hash depends on it, so that
 * finding, and only that one, is expected.
 */
class Tar2Ext4FsckTest {
    private static final Path E2FSCK = Path.of("/usr/sbin/e2fsck");

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsE2fsck() {
        if (!Files.isExecutable(E2FSCK)) {
            System.err.println("SKIPPED: e2fsck not installed (Debian e2fsprogs); CI has it");
        }
        Assumptions.assumeTrue(Files.isExecutable(E2FSCK) || System.getenv("CI") != null, "e2fsck not installed");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void e2fsckAcceptsRandomLayers(long seed) throws Exception {
        Path tar = tmp.resolve("layer.tar");
        try (TarOut out = new TarOut(tar)) {
            randomTree(new Random(seed), out);
        }
        assertThat(fsckFindings(convert(tar))).containsExactly(UPSTREAM_FINDING);
    }

    @Test
    void theOracleImagesHaveTheSameSingleFinding() throws Exception {
        Path image = tmp.resolve("oracle.ext4");
        try (InputStream gz = new java.util.zip.GZIPInputStream(Files.newInputStream(
                org.openccm.server.TestFiles.vector("aci/tar2ext4/ext4/08-manyfiles.ext4.gz")))) {
            Files.copy(gz, image);
        }
        assertThat(fsckFindings(image)).containsExactly(UPSTREAM_FINDING);
    }

    @Test
    void e2fsckAcceptsALayerSpanningTwoBlockGroups() throws Exception {
        Path tar = tmp.resolve("big.tar");
        try (TarOut out = new TarOut(tar)) {
            out.entry("big", '0', 0644, "", 140L << 20);
            out.entry("after", '0', 0644, "", 5);
        }
        assertThat(fsckFindings(convert(tar))).containsExactly(UPSTREAM_FINDING);
    }

    private Path convert(Path tar) throws IOException {
        Path image = tmp.resolve("layer.ext4");
        try (InputStream in = Files.newInputStream(tar)) {
            Tar2Ext4.convert(in, image);
        }
        return image;
    }

    private static final String UPSTREAM_FINDING = "Padding at end of inode bitmap is not set. Fix? no";

    /** What e2fsck -fn reports beyond its pass headers and summary. */
    private static List<String> fsckFindings(Path image) throws Exception {
        Process p = new ProcessBuilder(E2FSCK.toString(), "-fn", image.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output.lines()
                .filter(line -> !line.isBlank()
                        && !line.startsWith("e2fsck ")
                        && !line.startsWith("Pass ")
                        && !line.startsWith(image.toString()))
                .toList();
    }

    private static void randomTree(Random random, TarOut out) throws IOException {
        List<String> dirs = new ArrayList<>(List.of(""));
        List<String> files = new ArrayList<>();
        int entries = 50 + random.nextInt(400);
        for (int i = 0; i < entries; i++) {
            String parent = dirs.get(random.nextInt(dirs.size()));
            String name = parent + "n" + i + "-" + Long.toString(random.nextLong() & 0xffff, 36);
            switch (random.nextInt(10)) {
                case 0, 1 -> {
                    out.entry(name, '5', 0755, "", 0);
                    dirs.add(name + "/");
                }
                case 2, 3, 4 -> {
                    long size = switch (random.nextInt(4)) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(100);
                        case 2 -> random.nextInt(5000);
                        default -> random.nextInt(300_000);
                    };
                    out.entry(name, '0', 0644, "", size);
                    files.add(name);
                }
                case 5 -> out.entry(name, '2', 0777, random.nextBoolean() ? "short" : "x".repeat(90), 0);
                case 6 -> {
                    if (!files.isEmpty()) {
                        out.entry(name, '1', 0644, files.get(random.nextInt(files.size())), 0);
                    }
                }
                case 7 -> out.entry(name, random.nextBoolean() ? '3' : '6', 0600, "", 0);
                case 8 -> out.entry(parent + ".wh.gone" + i, '0', 0644, "", 0);
                default -> {
                    if (parent.length() > 0) {
                        out.entry(parent + ".wh..wh..opq", '0', 0644, "", 0);
                    } else {
                        out.entry("deep" + i + "/missing/parents/file", '0', 0644, "", 3);
                    }
                }
            }
        }
    }

    /** Writes a ustar stream to a file; file contents are a repeating pattern. */
    private static final class TarOut implements AutoCloseable {
        private final OutputStream out;

        TarOut(Path file) throws IOException {
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        }

        void entry(String name, char type, int mode, String link, long size) throws IOException {
            out.write(org.openccm.server.conversion.eif.DockerExportTest.ustarHeader(name, type, mode, 0, 0, size, 1700000000L, link));
            byte[] chunk = new byte[1 << 16];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i * 31);
            }
            for (long left = size; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(left, chunk.length));
            }
            out.write(new byte[(int) ((512 - size % 512) % 512)]);
        }

        @Override
        public void close() throws IOException {
            out.write(new byte[1024]);
            out.close();
        }
    }
}
