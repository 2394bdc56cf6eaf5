// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.nio.charset.StandardCharsets;
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

    public static List<TarEntry> read(byte[] tar) {
        List<TarEntry> entries = new ArrayList<>();
        Map<String, String> pax = new HashMap<>();
        String longName = null;
        String longLink = null;
        int p = 0;
        while (p + BLOCK <= tar.length) {
            if (isZero(tar, p)) {
                break;
            }
            verifyChecksum(tar, p);
            char type = (char) (tar[p + 156] == 0 ? '0' : tar[p + 156]);
            long size = number(tar, p + 124, 12);
            int dataStart = p + BLOCK;
            if (size < 0 || dataStart + size > tar.length) {
                throw new IllegalArgumentException("tar entry at " + p + " runs past the end of the stream");
            }
            byte[] data = Arrays.copyOfRange(tar, dataStart, dataStart + (int) size);
            p = dataStart + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
            switch (type) {
                case 'x' -> pax.putAll(pax(data));
                case 'g' -> {} // global headers carry nothing linuxkit uses
                case 'L' -> longName = cString(data, 0, data.length);
                case 'K' -> longLink = cString(data, 0, data.length);
                default -> {
                    int h = dataStart - BLOCK;
                    String name = cString(tar, h, 100);
                    String magic = new String(tar, h + 257, 5, StandardCharsets.US_ASCII);
                    if (magic.equals("ustar")) {
                        String prefix = cString(tar, h + 345, 155);
                        if (!prefix.isEmpty()) {
                            name = prefix + "/" + name;
                        }
                    }
                    String link = cString(tar, h + 157, 100);
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
                            : number(tar, h + 136, 12);
                    long uid = pax.containsKey("uid") ? Long.parseLong(pax.get("uid")) : number(tar, h + 108, 8);
                    long gid = pax.containsKey("gid") ? Long.parseLong(pax.get("gid")) : number(tar, h + 116, 8);
                    entries.add(new TarEntry(
                            name,
                            type,
                            (int) number(tar, h + 100, 8),
                            uid,
                            gid,
                            mtime,
                            link,
                            (int) number(tar, h + 329, 8),
                            (int) number(tar, h + 337, 8),
                            data));
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

    private static void verifyChecksum(byte[] b, int h) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (b[h + i] & 0xff);
        }
        if (sum != number(b, h + 148, 8)) {
            throw new IllegalArgumentException("tar header at " + h + " has a wrong checksum");
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
