// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * hcsshim's tar2ext4 with the options ACI's policy tooling uses (ConvertWhiteout, 128 GiB maximum disk size, no
 * inline data): a layer tar becomes a compact ext4 image, and the layer's hash is the dm-verity root of that
 * image. OCI whiteouts become overlay whiteouts (a 0/0 character device; an opaque directory gets
 * trusted.overlay.opaque=y).
 */
public final class Tar2Ext4 {
    static final long MAX_DISK_SIZE = 128L << 30;
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE_WHITEOUT = ".wh..wh..opq";

    private Tar2Ext4() {}

    /** Writes the ext4 image of an uncompressed layer tar to {@code image}. */
    public static void convert(InputStream tar, Path image) throws IOException {
        LayerTarReader reader = new LayerTarReader(tar);
        try (CompactExt4Writer fs = new CompactExt4Writer(image, MAX_DISK_SIZE)) {
            LayerTarReader.Header h;
            while ((h = reader.next()) != null) {
                String name = h.name();
                fs.makeParents(name);
                String[] split = GoPath.split(name);
                String dir = split[0];
                String file = split[1];
                if (file.startsWith(WHITEOUT_PREFIX)) {
                    if (file.equals(OPAQUE_WHITEOUT)) {
                        CompactExt4Writer.FileSpec f = fs.stat(dir);
                        Map<String, byte[]> xattrs = new HashMap<>(f.xattrs());
                        xattrs.put("trusted.overlay.opaque", new byte[] {'y'});
                        fs.create(dir, withXattrs(f, xattrs));
                    } else {
                        fs.create(
                                GoPath.join(dir, file.substring(WHITEOUT_PREFIX.length())),
                                CompactExt4Writer.spec("", 0, CompactExt4Writer.S_IFCHR, new HashMap<>()));
                    }
                    continue;
                }
                if (h.type() == '1') {
                    fs.link(h.linkName(), name);
                    continue;
                }
                int type = switch (h.type()) {
                    case '0' -> CompactExt4Writer.S_IFREG;
                    case '2' -> CompactExt4Writer.S_IFLNK;
                    case '3' -> CompactExt4Writer.S_IFCHR;
                    case '4' -> CompactExt4Writer.S_IFBLK;
                    case '5' -> CompactExt4Writer.S_IFDIR;
                    case '6' -> CompactExt4Writer.S_IFIFO;
                    default -> 0;
                };
                int mode = ((int) h.mode() & 0xffff & ~CompactExt4Writer.TYPE_MASK) | type;
                fs.create(name, new CompactExt4Writer.FileSpec(
                        h.linkName(),
                        h.size(),
                        mode,
                        h.uid() & 0xffffffffL,
                        h.gid() & 0xffffffffL,
                        h.atime(),
                        h.ctime(),
                        h.mtime(),
                        h.mtime(),
                        h.devMajor() & 0xffffffffL,
                        h.devMinor() & 0xffffffffL,
                        new HashMap<>(h.xattrs())));
                fs.write(reader.data());
            }
            fs.finish();
        }
    }

    /**
     * The layer hash ACI policies record: the dm-verity root of the layer's ext4 image. Takes the layer blob as
     * stored in a registry (gzip and zstd are recognised and undone) and works through a temporary file, so a layer of any
     * size is never held in memory.
     */
    public static String rootHash(InputStream layer) throws IOException {
        Path image = Files.createTempFile("openccm-layer", ".ext4");
        try {
            convert(decompressed(layer), image);
            return DmVerity.rootHash(image);
        } finally {
            Files.deleteIfExists(image);
        }
    }

    /** A layer blob as its tar: gzip and zstd are recognised by their magic numbers, anything else is taken as tar. */
    public static InputStream decompressed(InputStream layer) throws IOException {
        BufferedInputStream in = new BufferedInputStream(layer, 1 << 16);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            return new BufferedInputStream(new io.airlift.compress.zstd.ZstdInputStream(in), 1 << 16);
        }
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    private static CompactExt4Writer.FileSpec withXattrs(CompactExt4Writer.FileSpec f, Map<String, byte[]> xattrs) {
        return new CompactExt4Writer.FileSpec(
                f.linkName(),
                f.size(),
                f.mode(),
                f.uid(),
                f.gid(),
                f.atime(),
                f.ctime(),
                f.mtime(),
                f.crtime(),
                f.devMajor(),
                f.devMinor(),
                xattrs);
    }
}
