// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.snp;

/**
 * The security patch levels packed into an SNP TCB_VERSION (u64, little-endian). Milan and Genoa put BOOT_LOADER,
 * TEE, SNP and MICROCODE in bytes 0, 1, 6, 7; Turin adds FMC and packs FMC, BOOT_LOADER, TEE, SNP into bytes 0-3.
 */
public record TcbVersion(long raw, int fmc, int bootLoader, int tee, int snp, int microcode) {

    public static TcbVersion decode(long raw, AmdProduct product) {
        return switch (product) {
            case MILAN, GENOA -> new TcbVersion(raw, 0, b(raw, 0), b(raw, 1), b(raw, 6), b(raw, 7));
            case TURIN -> new TcbVersion(raw, b(raw, 0), b(raw, 1), b(raw, 2), b(raw, 3), b(raw, 7));
        };
    }

    private static int b(long raw, int index) {
        return (int) ((raw >>> (8 * index)) & 0xff);
    }
}
