// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/** Reads an Enclave Image File: checks magic, version, section bounds and the CRC, and returns the sections. */
public final class EifReader {
    private EifReader() {}

    public static List<EifSection> read(byte[] eif) {
        if (eif.length < EifBuilder.HEADER_SIZE || !Arrays.equals(eif, 0, 4, EifBuilder.MAGIC, 0, 4)) {
            throw new IllegalArgumentException("not an Enclave Image File (no .eif magic)");
        }
        ByteBuffer in = ByteBuffer.wrap(eif);
        int version = Short.toUnsignedInt(in.getShort(4));
        if (version < 2 || version > EifBuilder.VERSION) {
            throw new IllegalArgumentException("EIF version " + version + " is not supported");
        }
        int count = Short.toUnsignedInt(in.getShort(0x1A));
        if (count > EifBuilder.MAX_SECTIONS) {
            throw new IllegalArgumentException("more than 32 sections");
        }
        List<EifSection> sections = new ArrayList<>();
        CRC32 crc = new CRC32();
        crc.update(eif, 0, 0x220);
        for (int i = 0; i < count; i++) {
            long offset = in.getLong(0x1C + 8 * i);
            long size = in.getLong(0x11C + 8 * i);
            // compared without adding, so that no offset or size, however large, can overflow past the check
            if (offset < EifBuilder.HEADER_SIZE || offset > eif.length || size < 0 || size > eif.length - offset - EifBuilder.SECTION_HEADER_SIZE) {
                throw new IllegalArgumentException("section " + i + " lies outside the file");
            }
            int at = (int) offset;
            EifSection.Type type = EifSection.Type.of(Short.toUnsignedInt(in.getShort(at)));
            if (in.getLong(at + 4) != size) {
                throw new IllegalArgumentException("section " + i + " header size disagrees with the EIF header");
            }
            crc.update(eif, at, EifBuilder.SECTION_HEADER_SIZE + (int) size);
            sections.add(new EifSection(type, Arrays.copyOfRange(eif, at + EifBuilder.SECTION_HEADER_SIZE, at + EifBuilder.SECTION_HEADER_SIZE + (int) size)));
        }
        if ((int) crc.getValue() != in.getInt(0x220)) {
            throw new IllegalArgumentException("EIF CRC-32 does not match its contents");
        }
        return sections;
    }
}
