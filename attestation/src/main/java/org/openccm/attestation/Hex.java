// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.util.HexFormat;

/** Lower-case hex, the one form in which OpenCCM stores and compares measurements. */
public final class Hex {
    private static final HexFormat LOWER = HexFormat.of();

    private Hex() {}

    public static String of(byte[] bytes) {
        return LOWER.formatHex(bytes);
    }
}
