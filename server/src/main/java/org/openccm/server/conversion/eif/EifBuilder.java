// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Assembles an Enclave Image File (version 4) as nitro-cli's EifBuilder does: a 548-byte big-endian header, then
 * kernel, cmdline, metadata, the ramdisks and, when signed, the signature section, each behind a 12-byte section
 * header; the header's CRC-32 covers its first 0x220 bytes and every section in file order.
 */
public final class EifBuilder {
    static final byte[] MAGIC = {'.', 'e', 'i', 'f'};
    static final int HEADER_SIZE = 548;
    static final int SECTION_HEADER_SIZE = 12;
    static final int MAX_SECTIONS = 32;
    static final int VERSION = 4;
    private static final long DEFAULT_MEM = 1L << 30;
    private static final long DEFAULT_CPUS = 2;

    public enum Arch {
        X86_64,
        AARCH64,
    }

    private EifBuilder() {}

    /**
     * @param cmdline the kernel command line as nitro-cli uses it: trimmed, without NUL
     * @param metadata the compact JSON of EifIdentityInfo (not measured)
     * @param signature the CBOR signature section, or null for an unsigned image
     */
    public static byte[] build(Arch arch, byte[] kernel, byte[] cmdline, byte[] metadata, List<byte[]> ramdisks, byte[] signature) {
        List<EifSection> sections = new ArrayList<>();
        sections.add(new EifSection(EifSection.Type.KERNEL, kernel));
        sections.add(new EifSection(EifSection.Type.CMDLINE, cmdline));
        sections.add(new EifSection(EifSection.Type.METADATA, metadata));
        ramdisks.forEach(r -> sections.add(new EifSection(EifSection.Type.RAMDISK, r)));
        if (signature != null) {
            sections.add(new EifSection(EifSection.Type.SIGNATURE, signature));
        }
        return write(arch, sections);
    }

    static byte[] write(Arch arch, List<EifSection> sections) {
        if (sections.size() > MAX_SECTIONS) {
            throw new IllegalArgumentException("an EIF has at most " + MAX_SECTIONS + " sections");
        }
        long total = HEADER_SIZE;
        for (EifSection s : sections) {
            total += SECTION_HEADER_SIZE + s.data().length;
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(total));
        out.put(MAGIC).putShort((short) VERSION).putShort((short) (arch == Arch.AARCH64 ? 1 : 0));
        out.putLong(DEFAULT_MEM).putLong(DEFAULT_CPUS).putShort((short) 0).putShort((short) sections.size());
        long offset = HEADER_SIZE;
        for (int i = 0; i < MAX_SECTIONS; i++) {
            out.putLong(i < sections.size() ? offset : 0);
            if (i < sections.size()) {
                offset += SECTION_HEADER_SIZE + sections.get(i).data().length;
            }
        }
        for (int i = 0; i < MAX_SECTIONS; i++) {
            out.putLong(i < sections.size() ? sections.get(i).data().length : 0);
        }
        out.putInt(0);
        int crcAt = out.position();
        out.putInt(0);
        for (EifSection s : sections) {
            out.putShort((short) s.type().code).putShort((short) 0).putLong(s.data().length).put(s.data());
        }
        byte[] eif = out.array();
        CRC32 crc = new CRC32();
        crc.update(eif, 0, crcAt);
        crc.update(eif, HEADER_SIZE, eif.length - HEADER_SIZE);
        ByteBuffer.wrap(eif).putInt(crcAt, (int) crc.getValue());
        return eif;
    }
}
