// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

/**
 * One entry of a tar stream as Go's archive/tar presents it (PAX and GNU long names applied). {@code content} is
 * what the entry carries; {@code data} holds it only when it is in memory (empty for an entry read from a file).
 */
public record TarEntry(
        String name, char type, int mode, long uid, long gid, long mtime, String linkName, int devMajor, int devMinor, byte[] data,
        Content content) {
    public TarEntry(String name, char type, int mode, long uid, long gid, long mtime, String linkName, int devMajor, int devMinor, byte[] data) {
        this(name, type, mode, uid, gid, mtime, linkName, devMajor, devMinor, data, Content.of(data));
    }
}
