// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openccm.server.TestFiles;

/**
 * The vector's docker export, split back into image layers (without Docker's init-layer files, in shuffled order
 * and across two layers with a whiteout), must be re-created entry for entry and give the ORACLE customer ramdisk.
 */
public class DockerExportTest {
    private static final Set<String> INIT_LAYER =
            Set.of(".dockerenv", "dev/console", "dev/pts/", "dev/shm/", "etc/hostname", "etc/hosts", "etc/resolv.conf", "etc/mtab");

    @Test
    void rebuildsTheExportFromLayersAndGivesTheOracleRamdisk() throws Exception {
        List<TarEntry> export = TarReader.read(Files.readAllBytes(TestFiles.vector("eif/docker-export.tar")));
        List<TarEntry> image = new ArrayList<>(export.stream().filter(e -> !INIT_LAYER.contains(e.name())).toList());
        java.util.Collections.reverse(image); // a layer's own order does not matter
        List<TarEntry> lower = new ArrayList<>(image);
        lower.add(new TarEntry("usr/bin/obsolete", '0', 0755, 0, 0, 1600000000L, "", 0, 0, "old".getBytes()));
        List<TarEntry> upper = List.of(new TarEntry("usr/bin/.wh.obsolete", '0', 0, 0, 0, 0, "", 0, 0, new byte[0]));

        List<TarEntry> rebuilt = DockerExport.export(List.of(tar(lower), tar(upper)), 1732000000L);

        assertThat(rebuilt.stream().map(TarEntry::name).toList()).isEqualTo(export.stream().map(TarEntry::name).toList());
        byte[] ramdisk = CustomerRamdisk.build(
                rebuilt,
                Files.readAllBytes(TestFiles.vector("eif/cmd")),
                Files.readAllBytes(TestFiles.vector("eif/env")));
        assertThat(ramdisk).isEqualTo(Files.readAllBytes(TestFiles.vector("eif/customer.cpio")));
    }

    /** A plain ustar stream, as an image layer is. */
    public static byte[] tar(List<TarEntry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TarEntry e : entries) {
            out.writeBytes(ustarHeader(e.name(), e.type(), e.mode(), e.uid(), e.gid(), e.data().length, e.mtime(), e.linkName()));
            out.writeBytes(e.data());
            out.writeBytes(new byte[(512 - e.data().length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** One ustar header block with its checksum. */
    public static byte[] ustarHeader(String name, char type, int mode, long uid, long gid, long size, long mtime, String link) {
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, String.format("%07o", mode), 8);
        put(h, 108, String.format("%07o", uid), 8);
        put(h, 116, String.format("%07o", gid), 8);
        put(h, 124, String.format("%011o", size), 12);
        put(h, 136, String.format("%011o", mtime), 12);
        h[156] = (byte) type;
        put(h, 157, link, 100);
        put(h, 257, "ustar", 6);
        put(h, 263, "00", 2);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum), 7);
        return h;
    }

    private static void put(byte[] h, int offset, String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, offset, Math.min(b.length, max));
    }
}
