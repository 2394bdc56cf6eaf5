// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

/** One entry of a tar stream as Go's archive/tar presents it (PAX and GNU long names applied). */
public record TarEntry(
        String name, char type, int mode, long uid, long gid, long mtime, String linkName, int devMajor, int devMinor, byte[] data) {}
