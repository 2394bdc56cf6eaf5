// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.sgx;

import static org.openccm.attestation.RejectionSupport.assertRejected;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.TestVectors;

/**
 * The refusals of the SIGSTRUCT parser that SigstructParserTest does not reach, on the real Fortanix test enclave's
 * SIGSTRUCT (SOURCES.md §6): the second header, the vendor, a modulus that is not 3072 bits, a signature not below
 * the modulus.
 */
class SigstructRejectionsTest {
    private static final String FORTANIX = "sigstruct/fortanix-test_enclave.sigstruct.bin";

    @Test
    void aWrongSecondHeaderIsRefused() {
        byte[] s = TestVectors.bytes(FORTANIX);
        s[24] ^= 0x01;
        assertRejected(() -> SigstructParser.parse(s), Reason.MALFORMED, "HEADER2", "not the SIGSTRUCT header 0101000060000000");
    }

    @Test
    void aVendorOtherThanZeroOrIntelIsRefused() {
        byte[] s = TestVectors.bytes(FORTANIX);
        s[16] = 0x01;
        assertRejected(() -> SigstructParser.parse(s), Reason.MALFORMED, "VENDOR", "must be 0 or 0x8086, got 0x1");
    }

    @Test
    void aModulusShorterThan3072BitsIsRefused() {
        byte[] s = TestVectors.bytes(FORTANIX);
        s[128 + 383] = 0; // the modulus is little-endian: its most significant byte
        assertRejected(() -> SigstructParser.parse(s), Reason.MALFORMED, "MODULUS", "not a 3072-bit RSA modulus");
    }

    @Test
    void aSignatureNotBelowTheModulusIsRefused() {
        byte[] s = TestVectors.bytes(FORTANIX);
        Arrays.fill(s, 516, 516 + 384, (byte) 0xff);
        assertRejected(() -> SigstructParser.parse(s), Reason.SIGNATURE, "SIGNATURE", "signature is not smaller than the modulus");
    }
}
