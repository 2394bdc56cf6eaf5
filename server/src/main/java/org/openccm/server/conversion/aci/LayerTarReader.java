// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Streams a layer tar and presents each entry the way Go's archive/tar does, because hcsshim's tar2ext4 sees its
 * input through that reader and the layer hash depends on every field it reports: PAX records (path, linkpath,
 * size, uid, gid, mtime/atime/ctime with nanoseconds, SCHILY.xattr.* as raw bytes), GNU long names and GNU
 * atime/ctime, the USTAR prefix, base-256 numbers, and PAX global headers returned as entries of their own.
 *
 * <p>Names are kept as ISO-8859-1 strings, one char per byte, so that paths compare, sort and measure as the bytes
 * Go works on, whatever their encoding.
 */
final class LayerTarReader {
    private static final int BLOCK = 512;
    private final InputStream in;
    private long remaining;
    private long padding;
    private final byte[] block = new byte[BLOCK];

    /** One entry. Times are null when the tar does not carry them (Go's zero time). */
    record Header(
            String name,
            String linkName,
            char type,
            long mode,
            long uid,
            long gid,
            long size,
            Instant mtime,
            Instant atime,
            Instant ctime,
            long devMajor,
            long devMinor,
            Map<String, byte[]> xattrs) {}

    LayerTarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive; the previous entry's unread data is skipped. */
    Header next() throws IOException {
        skipData();
        Map<String, byte[]> pax = new HashMap<>();
        String longName = null;
        String longLink = null;
        while (true) {
            if (!readBlock(true)) {
                return null;
            }
            if (isZero(block)) {
                if (!readBlock(true) || isZero(block)) {
                    return null;
                }
                throw new TarFormatException("a single zero block inside the archive");
            }
            verifyChecksum();
            char type = (char) (block[156] & 0xff);
            long size = numeric(124, 12);
            String magic = new String(block, 257, 8, StandardCharsets.ISO_8859_1);
            boolean ustar = magic.startsWith("ustar\0");
            boolean gnu = magic.equals("ustar  \0");
            switch (type) {
                case 'x', 'g' -> {
                    byte[] data = readFully(size);
                    Map<String, byte[]> records = paxRecords(data);
                    if (type == 'g') {
                        // Go hands a global header to its caller as an entry of its own, with only a name.
                        return new Header(
                                string(0, 100), "", 'g', 0, 0, 0, 0, null, null, null, 0, 0, Map.of());
                    }
                    pax.putAll(records);
                }
                case 'L' -> longName = cString(readFully(size));
                case 'K' -> longLink = cString(readFully(size));
                case 'S' -> throw new TarFormatException("GNU sparse files are not supported");
                default -> {
                    return header(type, size, pax, longName, longLink, ustar && !gnu, gnu);
                }
            }
        }
    }

    /** The data of the current entry; reading past its size gives end of stream. */
    InputStream data() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("the tar ends inside an entry's data");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private Header header(
            char type, long size, Map<String, byte[]> pax, String longName, String longLink, boolean ustar, boolean gnu)
            throws IOException {
        String name = string(0, 100);
        if (ustar) {
            String prefix = string(345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        String link = string(157, 100);
        Instant atime = null;
        Instant ctime = null;
        if (gnu) {
            if (block[345] != 0) {
                atime = Instant.ofEpochSecond(numeric(345, 12));
            }
            if (block[357] != 0) {
                ctime = Instant.ofEpochSecond(numeric(357, 12));
            }
        }
        if (longName != null) {
            name = longName;
        }
        if (longLink != null) {
            link = longLink;
        }
        long mode = numeric(100, 8);
        long uid = numeric(108, 8);
        long gid = numeric(116, 8);
        Instant mtime = Instant.ofEpochSecond(numeric(136, 12));
        long devMajor = ustar || gnu ? numeric(329, 8) : 0;
        long devMinor = ustar || gnu ? numeric(337, 8) : 0;
        Map<String, byte[]> xattrs = new HashMap<>();
        for (Map.Entry<String, byte[]> record : pax.entrySet()) {
            String value = new String(record.getValue(), StandardCharsets.ISO_8859_1);
            switch (record.getKey()) {
                case "path" -> name = value;
                case "linkpath" -> link = value;
                case "uid" -> uid = paxInteger(record.getKey(), value);
                case "gid" -> gid = paxInteger(record.getKey(), value);
                case "size" -> size = paxInteger(record.getKey(), value);
                case "mtime" -> mtime = paxTime(value);
                case "atime" -> atime = paxTime(value);
                case "ctime" -> ctime = paxTime(value);
                default -> {
                    if (record.getKey().startsWith("SCHILY.xattr.")) {
                        xattrs.put(record.getKey().substring("SCHILY.xattr.".length()), record.getValue());
                    }
                }
            }
        }
        if (type == 0) {
            type = name.endsWith("/") ? '5' : '0';
        }
        if (size < 0) {
            throw new TarFormatException("negative size for " + name);
        }
        // As in Go, a header-only type has no data whatever its size field says.
        boolean headerOnly = type == '1' || type == '2' || type == '3' || type == '4' || type == '5' || type == '6';
        remaining = headerOnly ? 0 : size;
        padding = headerOnly ? 0 : (BLOCK - size % BLOCK) % BLOCK;
        return new Header(
                name, link, type, mode, uid, gid, size, mtime, atime, ctime, devMajor, devMinor, Map.copyOf(xattrs));
    }

    private void skipData() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    /** Skips by reading: a caller may be hashing the stream (the layer's diff_id), and skip() would bypass it. */
    private void skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 1), 1 << 16)];
        while (n > 0) {
            int read = in.read(scratch, 0, (int) Math.min(n, scratch.length));
            if (read < 0) {
                throw new EOFException("the tar ends inside an entry's data");
            }
            n -= read;
        }
    }

    private byte[] readFully(long size) throws IOException {
        if (size > 1 << 20) {
            throw new TarFormatException("an extended header of " + size + " bytes");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("the tar ends inside an extended header");
        }
        skip((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    private boolean readBlock(boolean endAllowed) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0 && endAllowed) {
            return false;
        }
        if (n != BLOCK) {
            throw new EOFException("the tar ends inside a header");
        }
        return true;
    }

    private void verifyChecksum() {
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : block[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        long recorded = numeric(148, 8);
        if (recorded != unsigned && recorded != signed) {
            throw new TarFormatException("a header with a wrong checksum");
        }
    }

    private long numeric(int offset, int length) {
        if ((block[offset] & 0x80) != 0) {
            long v = (block[offset] & 0x40) != 0 ? -1 : 0; // sign bit of base-256
            v = (v << 6) | (block[offset] & 0x3f);
            for (int i = 1; i < length; i++) {
                v = (v << 8) | (block[offset + i] & 0xff);
            }
            return v;
        }
        String s = string(offset, length).replace(" ", "");
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new TarFormatException("a header field that is not an octal number: " + s);
        }
    }

    private String string(int offset, int length) {
        int end = offset;
        while (end < offset + length && block[end] != 0) {
            end++;
        }
        return new String(block, offset, end - offset, StandardCharsets.ISO_8859_1);
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.ISO_8859_1);
    }

    private static Map<String, byte[]> paxRecords(byte[] data) {
        Map<String, byte[]> out = new HashMap<>();
        int i = 0;
        while (i < data.length) {
            int space = i;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException e) {
                throw new TarFormatException("a malformed PAX record");
            }
            if (space >= data.length || length <= space - i + 1 || i + length > data.length || data[i + length - 1] != '\n') {
                throw new TarFormatException("a malformed PAX record");
            }
            int eq = space + 1;
            while (eq < i + length - 1 && data[eq] != '=') {
                eq++;
            }
            if (eq >= i + length - 1) {
                throw new TarFormatException("a PAX record without '='");
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            out.put(key, Arrays.copyOfRange(data, eq + 1, i + length - 1));
            i += length;
        }
        return out;
    }

    private static long paxInteger(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new TarFormatException("PAX " + key + " is not a number: " + value);
        }
    }

    /** Go's parsePAXTime: seconds, then up to nine digits of fraction; a negative time negates the fraction too. */
    static Instant paxTime(String value) {
        int dot = value.indexOf('.');
        String secs = dot < 0 ? value : value.substring(0, dot);
        String frac = dot < 0 ? "" : value.substring(dot + 1);
        try {
            long seconds = Long.parseLong(secs);
            if (!frac.chars().allMatch(Character::isDigit)) {
                throw new NumberFormatException();
            }
            String nine = (frac + "000000000").substring(0, 9);
            long nanos = Long.parseLong(nine);
            boolean negative = secs.startsWith("-");
            return Instant.ofEpochSecond(seconds, negative ? -nanos : nanos);
        } catch (NumberFormatException e) {
            throw new TarFormatException("a PAX time that is not a number: " + value);
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** The layer is not a tar Go would read. */
    static final class TarFormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TarFormatException(String message) {
            super("the layer is not a valid tar: " + message);
        }
    }
}
