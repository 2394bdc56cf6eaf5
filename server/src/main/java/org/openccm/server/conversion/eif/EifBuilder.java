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

    /** A section to write: its type and where its bytes are. */
    public record Part(EifSection.Type type, Content content) {}

    static byte[] write(Arch arch, List<EifSection> sections) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            write(arch, sections.stream().map(s -> new Part(s.type(), Content.of(s.data()))).toList(), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Streams the EIF to {@code out}. The CRC in the header covers the sections that follow it, so the sections are
     * read twice (once for the CRC, once to write them) rather than gathered in memory.
     */
    public static void write(Arch arch, List<Part> sections, java.io.OutputStream out) throws java.io.IOException {
        if (sections.size() > MAX_SECTIONS) {
            throw new IllegalArgumentException("an EIF has at most " + MAX_SECTIONS + " sections");
        }
        CRC32 crc = new CRC32();
        byte[] header = header(arch, sections, 0);
        crc.update(header, 0, HEADER_SIZE - 4);
        java.io.OutputStream checked = new java.util.zip.CheckedOutputStream(java.io.OutputStream.nullOutputStream(), crc);
        for (Part s : sections) {
            checked.write(sectionHeader(s));
            s.content().writeTo(checked);
        }
        out.write(header(arch, sections, (int) crc.getValue()));
        for (Part s : sections) {
            out.write(sectionHeader(s));
            s.content().writeTo(out);
        }
        out.flush();
    }

    private static byte[] header(Arch arch, List<Part> sections, int crc) {
        ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE);
        out.put(MAGIC).putShort((short) VERSION).putShort((short) (arch == Arch.AARCH64 ? 1 : 0));
        out.putLong(DEFAULT_MEM).putLong(DEFAULT_CPUS).putShort((short) 0).putShort((short) sections.size());
        long offset = HEADER_SIZE;
        for (int i = 0; i < MAX_SECTIONS; i++) {
            out.putLong(i < sections.size() ? offset : 0);
            if (i < sections.size()) {
                offset += SECTION_HEADER_SIZE + sections.get(i).content().size();
            }
        }
        for (int i = 0; i < MAX_SECTIONS; i++) {
            out.putLong(i < sections.size() ? sections.get(i).content().size() : 0);
        }
        out.putInt(0);
        out.putInt(crc);
        return out.array();
    }

    private static byte[] sectionHeader(Part s) {
        return ByteBuffer.allocate(SECTION_HEADER_SIZE).putShort((short) s.type().code).putShort((short) 0).putLong(s.content().size()).array();
    }
}
