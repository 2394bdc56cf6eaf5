// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.util.List;

/**
 * The first ramdisk of every Nitro EIF: the enclave's {@code init} and the {@code nsm.ko} driver from the
 * operator's blob set, laid out as nitro-cli's bootstrap YAML asks (dev/ 0755, init 0755, nsm.ko 0755, all at
 * linuxkit's default time). A pure function of the two blobs, which is why PCR1 is reproducible.
 */
public final class BootstrapRamdisk {
    private BootstrapRamdisk() {}

    public static byte[] build(byte[] init, byte[] nsmKo) {
        return NewcCpioWriter.write(List.of(
                CpioEntry.dir("dev", 0755, CpioEntry.DEFAULT_MTIME),
                CpioEntry.file("init", 0755, CpioEntry.DEFAULT_MTIME, init),
                CpioEntry.file("nsm.ko", 0755, CpioEntry.DEFAULT_MTIME, nsmKo)));
    }
}
