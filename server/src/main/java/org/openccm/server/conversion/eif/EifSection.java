// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

/** One section of an Enclave Image File: its type and data (the 12-byte section header is not included). */
public record EifSection(Type type, byte[] data) {
    /** EifSectionType of aws-nitro-enclaves-image-format; anything else is refused. */
    public enum Type {
        KERNEL(1),
        CMDLINE(2),
        RAMDISK(3),
        SIGNATURE(4),
        METADATA(5);

        final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown EIF section type " + code);
        }
    }
}
