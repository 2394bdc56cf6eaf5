// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The dm-verity root hash that ACI's policy records for each layer (hcsshim ext4/dmverity, format 1): 4096-byte
 * blocks, each node SHA-256(32 zero bytes of salt || block), each level zero-padded to a whole block only when it
 * is not one already, repeated until a level is one block; the root is the salted hash of that block.
 */
public final class DmVerity {
    static final int BLOCK = 4096;
    private static final byte[] SALT = new byte[32];

    private DmVerity() {}

    /** @param image a whole number of 4096-byte blocks (an ext4 image made by tar2ext4) */
    public static String rootHash(byte[] image) {
        if (image.length == 0 || image.length % BLOCK != 0) {
            throw new IllegalArgumentException("a dm-verity image is a whole, non-zero number of 4096-byte blocks");
        }
        byte[] level = image;
        do {
            level = nextLevel(level);
        } while (level.length != BLOCK);
        return HexFormat.of().formatHex(hash(level, 0));
    }

    /** The same root for an image file, read block by block: only the hash levels (1/128 of it) are in memory. */
    public static String rootHash(Path image) throws IOException {
        long size = Files.size(image);
        if (size == 0 || size % BLOCK != 0) {
            throw new IllegalArgumentException("a dm-verity image is a whole, non-zero number of 4096-byte blocks");
        }
        ByteArrayOutputStream level0 = new ByteArrayOutputStream();
        byte[] block = new byte[BLOCK];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(image), 1 << 20)) {
            for (long read = 0; read < size; read += BLOCK) {
                if (in.readNBytes(block, 0, BLOCK) != BLOCK) {
                    throw new IOException("the image changed while it was hashed");
                }
                level0.writeBytes(hash(block, 0));
            }
        }
        while (level0.size() % BLOCK != 0) {
            level0.write(0);
        }
        byte[] level = level0.toByteArray();
        while (level.length != BLOCK) {
            level = nextLevel(level);
        }
        return HexFormat.of().formatHex(hash(level, 0));
    }

    private static byte[] nextLevel(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int offset = 0; offset < data.length; offset += BLOCK) {
            out.writeBytes(hash(data, offset));
        }
        while (out.size() % BLOCK != 0) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static byte[] hash(byte[] data, int offset) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(SALT);
            sha.update(data, offset, BLOCK);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
