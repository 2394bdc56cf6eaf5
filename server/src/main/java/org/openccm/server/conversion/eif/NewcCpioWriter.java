// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
        try {
            write(entries, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Streams the archive: each entry's content is copied from where it lies (memory or file), never gathered. */
    public static void write(List<CpioEntry> entries, OutputStream target) throws IOException {
        Counting out = new Counting(target);
        long inode = FIRST_INODE;
        for (CpioEntry e : entries) {
            header(out, inode++, (e.type() << 12) | (e.perm() & 0xFFF), e.uid(), e.gid(),
                    e.type() == CpioEntry.DIR ? 2 : 1, e.mtime(), e.content().size(), e.rdevMajor(), e.rdevMinor(), e.name());
            long before = out.count;
            e.content().writeTo(out);
            if (out.count - before != e.content().size()) {
                throw new IOException("cpio entry " + e.name() + " wrote " + (out.count - before) + " bytes, not " + e.content().size());
            }
            pad(out, 4);
        }
        header(out, inode, 0, 0, 0, 1, 0, 0, 0, 0, "TRAILER!!!");
        pad(out, 512);
        out.flush();
    }

    /** Counts what passes, for the padding rules, which depend on the position in the archive. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    private static void header(
            Counting out,
            long inode,
            int mode,
            long uid,
            long gid,
            int nlink,
            long mtime,
            long size,
            int rdevMajor,
            int rdevMinor,
            String name) throws IOException {
        if (size > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(name + " is " + size + " bytes: a newc cpio entry (an EIF ramdisk file) holds at most 4 GiB");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        String header = "070701"
                + hex(inode) + hex(mode) + hex(uid) + hex(gid) + hex(nlink) + hex(mtime) + hex(size)
                + hex(3) + hex(1) + hex(rdevMajor) + hex(rdevMinor) + hex(nameBytes.length + 1L) + hex(0);
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(nameBytes);
        out.write(0);
        pad(out, 4);
    }

    private static String hex(long value) {
        return String.format("%08x", value);
    }

    private static void pad(Counting out, int boundary) throws IOException {
        while (out.count % boundary != 0) {
            out.write(0);
        }
    }
}
