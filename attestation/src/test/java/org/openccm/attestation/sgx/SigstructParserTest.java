// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.sgx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.TestVectors;

class SigstructParserTest {
    private static final String FORTANIX = "sigstruct/fortanix-test_enclave.sigstruct.bin";
    private static final String INTEL_PCE = "sigstruct/intel-pce-1.25.100.1.sigstruct.bin";

    @Test
    void readsTheFortanixTestEnclaveIdentity() throws EvidenceRejected {
        Sigstruct s = SigstructParser.parse(TestVectors.bytes(FORTANIX));

        assertThat(s.mrEnclave()).isEqualTo("784acfd7d5096a8f0fbd3265760bff21b120f62407a9a9e5ba31aa3c8ed198fc");
        assertThat(s.mrSigner()).isEqualTo("fb4bab3d6036ac1d730fa83d7366df1dd2dfeac194ef335d6854d8a6c6475542");
        assertThat(s.isvProdId()).isEqualTo(65535);
        assertThat(s.isvSvn()).isZero();
        assertThat(s.vendor()).isZero();
        assertThat(s.date()).isEqualTo(0x20161214);
        assertThat(s.attributes()).isEqualTo("04000000000000000300000000000000");
        assertThat(s.attributeMask()).isEqualTo("fdffffffffffffff1bffffffffffffff");
        assertThat(s.miscMask()).isEqualTo(0xffffffff);
    }

    @Test
    void readsTheIntelSignedPceIdentity() throws EvidenceRejected {
        Sigstruct s = SigstructParser.parse(TestVectors.bytes(INTEL_PCE));

        assertThat(s.mrEnclave()).isEqualTo("03e3f07e8c11cc08a1fa2afa93a8f2699cc8d9e17efa890af5df4e3cf7696578");
        assertThat(s.mrSigner()).isEqualTo("c54a62f2be9ef76efb1f3930ad81ea7f60defc1f5f25e09b7c067a815ae0c6cb");
        assertThat(s.isvProdId()).isEqualTo(1);
        assertThat(s.isvSvn()).isEqualTo(16);
        assertThat(s.vendor()).isEqualTo(0x8086);
        assertThat(s.date()).isEqualTo(0x20240811);
        assertThat(s.attributes()).isEqualTo("14000000000000000300000000000000");
    }

    @ParameterizedTest(name = "flipping byte {0} ({1}) breaks the signature")
    @CsvSource({
        "20, DATE",
        "40, SWDEFINED",
        "900, MISCSELECT",
        "928, ATTRIBUTES",
        "960, ENCLAVEHASH (MRENCLAVE)",
        "1024, ISVPRODID",
        "1026, ISVSVN",
        "600, SIGNATURE"
    })
    void rejectsAFlippedByteInTheSignedArea(int offset, String field) {
        byte[] tampered = TestVectors.bytes(FORTANIX);
        tampered[offset] ^= 0x01;

        assertThatThrownBy(() -> SigstructParser.parse(tampered))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).as(field).isEqualTo(Reason.SIGNATURE);
                    assertThat(e.field()).isEqualTo("SIGNATURE");
                    assertThat(e.getMessage()).contains("does not verify");
                });
    }

    @Test
    void rejectsAModulusThatIsNotTheSigner() {
        byte[] tampered = TestVectors.bytes(INTEL_PCE);
        tampered[200] ^= 0x40;

        assertThatThrownBy(() -> SigstructParser.parse(tampered))
                .isInstanceOfSatisfying(
                        EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURE));
    }

    @Test
    void rejectsWrongQ1AndQ2() {
        byte[] q1 = TestVectors.bytes(FORTANIX);
        q1[1040] ^= 0x01;
        byte[] q2 = TestVectors.bytes(FORTANIX);
        q2[1424 + 100] ^= 0x01;

        assertThatThrownBy(() -> SigstructParser.parse(q1))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("Q1"));
        assertThatThrownBy(() -> SigstructParser.parse(q2))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("Q2"));
    }

    @Test
    void rejectsATruncatedFileAndAWrongHeaderAsMalformed() {
        byte[] whole = TestVectors.bytes(FORTANIX);
        byte[] truncated = java.util.Arrays.copyOf(whole, 1807);
        byte[] header = whole.clone();
        header[4] = 0;
        byte[] exponent = whole.clone();
        exponent[512] = 65;

        assertThatThrownBy(() -> SigstructParser.parse(truncated))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
                    assertThat(e.getMessage()).contains("expected 1808 bytes, got 1807");
                });
        assertThatThrownBy(() -> SigstructParser.parse(header))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("HEADER"));
        assertThatThrownBy(() -> SigstructParser.parse(exponent))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("EXPONENT"));
    }
}
