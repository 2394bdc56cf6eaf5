// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a tar stream (ustar with its name prefix, PAX extended headers, GNU long names) into entries in stream
 * order. Numbers may be octal or GNU base-256. A truncated or malformed stream is refused, never half-read.
 */
public final class TarReader {
    private static final int BLOCK = 512;

    private TarReader() {}

    // PAX records and GNU long names are read into memory: a header claiming more is not a real one.
    private static final int MAX_METADATA = 1 << 20;

    public static List<TarEntry> read(byte[] tar) {
        try {
            return read(new ArraySource(tar));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads a tar file's entries; their contents stay in the file ({@link Content.FileSlice}), never in memory. */
    public static List<TarEntry> read(Path tar) throws IOException {
        try (FileChannel channel = FileChannel.open(tar)) {
            return read(new FileSource(tar, channel));
        }
    }

    private interface Source {
        long length() throws IOException;

        byte[] bytes(long at, int n) throws IOException;

        Content content(long at, long n) throws IOException;
    }

    private record ArraySource(byte[] tar) implements Source {
        @Override
        public long length() {
            return tar.length;
        }

        @Override
        public byte[] bytes(long at, int n) {
            return Arrays.copyOfRange(tar, (int) at, (int) at + n);
        }

        @Override
        public Content content(long at, long n) {
            return Content.of(bytes(at, (int) n));
        }
    }

    private record FileSource(Path file, FileChannel channel) implements Source {
        @Override
        public long length() throws IOException {
            return channel.size();
        }

        @Override
        public byte[] bytes(long at, int n) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(n);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, at + buffer.position()) < 0) {
                    throw new IllegalArgumentException("tar file ends inside the entry at " + at);
                }
            }
            return buffer.array();
        }

        @Override
        public Content content(long at, long n) {
            return new Content.FileSlice(file, at, n);
        }
    }

    private static List<TarEntry> read(Source tar) throws IOException {
        List<TarEntry> entries = new ArrayList<>();
        Map<String, String> pax = new HashMap<>();
        String longName = null;
        String longLink = null;
        long length = tar.length();
        long p = 0;
        while (p + BLOCK <= length) {
            byte[] h = tar.bytes(p, BLOCK);
            if (isZero(h, 0)) {
                break;
            }
            verifyChecksum(h, p);
            char type = (char) (h[156] == 0 ? '0' : h[156]);
            long size = number(h, 124, 12);
            long dataStart = p + BLOCK;
            if (size < 0 || size > length - dataStart) {
                throw new IllegalArgumentException("tar entry at " + p + " runs past the end of the stream");
            }
            boolean metadata = type == 'x' || type == 'g' || type == 'L' || type == 'K';
            if (metadata && size > MAX_METADATA) {
                throw new IllegalArgumentException("tar metadata entry at " + p + " claims " + size + " bytes");
            }
            byte[] data = metadata ? tar.bytes(dataStart, (int) size) : null;
            p = dataStart + (size + BLOCK - 1) / BLOCK * BLOCK;
            switch (type) {
                case 'x' -> pax.putAll(pax(data));
                case 'g' -> {} // global headers carry nothing linuxkit uses
                case 'L' -> longName = cString(data, 0, data.length);
                case 'K' -> longLink = cString(data, 0, data.length);
                default -> {
                    Content content = tar.content(dataStart, size);
                    data = content instanceof Content.Bytes b ? b.data() : new byte[0];
                    String name = cString(h, 0, 100);
                    String magic = new String(h, 257, 5, StandardCharsets.US_ASCII);
                    if (magic.equals("ustar")) {
                        String prefix = cString(h, 345, 155);
                        if (!prefix.isEmpty()) {
                            name = prefix + "/" + name;
                        }
                    }
                    String link = cString(h, 157, 100);
                    if (longName != null) {
                        name = longName;
                    }
                    if (longLink != null) {
                        link = longLink;
                    }
                    name = pax.getOrDefault("path", name);
                    link = pax.getOrDefault("linkpath", link);
                    long mtime = pax.containsKey("mtime")
                            ? (long) Math.floor(Double.parseDouble(pax.get("mtime")))
                            : number(h, 136, 12);
                    long uid = pax.containsKey("uid") ? Long.parseLong(pax.get("uid")) : number(h, 108, 8);
                    long gid = pax.containsKey("gid") ? Long.parseLong(pax.get("gid")) : number(h, 116, 8);
                    entries.add(new TarEntry(
                            name,
                            type,
                            (int) number(h, 100, 8),
                            uid,
                            gid,
                            mtime,
                            link,
                            (int) number(h, 329, 8),
                            (int) number(h, 337, 8),
                            data,
                            content));
                    pax.clear();
                    longName = null;
                    longLink = null;
                }
            }
        }
        return entries;
    }

    private static Map<String, String> pax(byte[] data) {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        while (i < data.length) {
            int space = indexOf(data, (byte) ' ', i);
            int length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
            // "<length> <key>=<value>\n": the length counts the whole record and must stay inside the data
            if (length < space - i + 2 || length > data.length - i) {
                throw new IllegalArgumentException("malformed PAX record: length " + length + " at " + i);
            }
            String record = new String(data, space + 1, length - (space - i) - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("malformed PAX record: no '=' at " + i);
            }
            out.put(record.substring(0, eq), record.substring(eq + 1));
            i += length;
        }
        return out;
    }

    private static long number(byte[] b, int offset, int length) {
        if ((b[offset] & 0x80) != 0) {
            long v = b[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                v = (v << 8) | (b[offset + i] & 0xff);
            }
            return v;
        }
        String s = cString(b, offset, length).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    private static void verifyChecksum(byte[] h, long at) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        }
        if (sum != number(h, 148, 8)) {
            throw new IllegalArgumentException("tar header at " + at + " has a wrong checksum");
        }
    }

    private static String cString(byte[] b, int offset, int length) {
        int end = offset;
        while (end < offset + length && b[end] != 0) {
            end++;
        }
        return new String(b, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] b, byte value, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("malformed PAX record");
    }

    private static boolean isZero(byte[] b, int offset) {
        for (int i = offset; i < offset + BLOCK; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
