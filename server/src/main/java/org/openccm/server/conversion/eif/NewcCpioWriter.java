// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a newc ("070701") cpio archive exactly as the linuxkit that nitro-cli runs does (surma/gocpio): inode
 * numbers counting from 721, nlink 2 for directories and 1 otherwise, device 3:1 on every entry, names and data
 * padded to 4 bytes, a TRAILER!!! entry, and the archive padded with zeros to 512 bytes; not compressed. Only
 * byte-identical ramdisks give nitro-cli's PCRs.
 */
public final class NewcCpioWriter {
    private static final int FIRST_INODE = 721;

    private NewcCpioWriter() {}

    public static byte[] write(List<CpioEntry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long inode = FIRST_INODE;
        for (CpioEntry e : entries) {
            header(out, inode++, (e.type() << 12) | (e.perm() & 0xFFF), e.uid(), e.gid(),
                    e.type() == CpioEntry.DIR ? 2 : 1, e.mtime(), e.data().length, e.rdevMajor(), e.rdevMinor(), e.name());
            out.writeBytes(e.data());
            pad(out, 4);
        }
        header(out, inode, 0, 0, 0, 1, 0, 0, 0, 0, "TRAILER!!!");
        pad(out, 512);
        return out.toByteArray();
    }

    private static void header(
            ByteArrayOutputStream out,
            long inode,
            int mode,
            long uid,
            long gid,
            int nlink,
            long mtime,
            long size,
            int rdevMajor,
            int rdevMinor,
            String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        String header = "070701"
                + hex(inode) + hex(mode) + hex(uid) + hex(gid) + hex(nlink) + hex(mtime) + hex(size)
                + hex(3) + hex(1) + hex(rdevMajor) + hex(rdevMinor) + hex(nameBytes.length + 1L) + hex(0);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        out.write(0);
        pad(out, 4);
    }

    private static String hex(long value) {
        return String.format("%08x", value);
    }

    private static void pad(ByteArrayOutputStream out, int boundary) {
        while (out.size() % boundary != 0) {
            out.write(0);
        }
    }
}
