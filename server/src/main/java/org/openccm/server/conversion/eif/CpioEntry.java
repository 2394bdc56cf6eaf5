// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

/**
 * One entry of a newc cpio archive. {@code type} is the file-type nibble of the mode (4 dir, 8 regular, 10
 * symlink, 2 char device, 6 block device, 1 fifo); {@code content} is a file's content or a symlink's target.
 */
public record CpioEntry(String name, int type, int perm, long uid, long gid, long mtime, Content content, int rdevMajor, int rdevMinor) {
    public static final int DIR = 0x4;
    public static final int REG = 0x8;
    public static final int SYMLINK = 0xA;

    /** linuxkit's time for the files it adds itself: 2017-04-18T16:30:00Z. */
    public static final long DEFAULT_MTIME = 1492533000L;

    public CpioEntry(String name, int type, int perm, long uid, long gid, long mtime, byte[] data, int rdevMajor, int rdevMinor) {
        this(name, type, perm, uid, gid, mtime, Content.of(data), rdevMajor, rdevMinor);
    }

    public static CpioEntry dir(String name, int perm, long mtime) {
        return new CpioEntry(name, DIR, perm, 0, 0, mtime, new byte[0], 0, 0);
    }

    public static CpioEntry file(String name, int perm, long mtime, byte[] data) {
        return new CpioEntry(name, REG, perm, 0, 0, mtime, data, 0, 0);
    }
}
