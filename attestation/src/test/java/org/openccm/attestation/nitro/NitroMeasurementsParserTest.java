// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.nitro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.TestVectors;

class NitroMeasurementsParserTest {

    @Test
    void readsTheSignedBuildEnclaveOutputWithPcr8() throws EvidenceRejected {
        NitroMeasurements m = NitroMeasurementsParser.parse(TestVectors.text(
                "nitro-measurements/aws-nitro-cli-docs-image_signing-build-enclave-signed.json"));

        assertThat(m.pcr0())
                .isEqualTo("55c0acc442fd815e161f100c45810298f5c37ce9f61b675e4f8ba82e32b9bab3b674a6ef557eaa7db7577221683bbe9f");
        assertThat(m.pcr1())
                .isEqualTo("aca6e62ffbf5f7deccac452d7f8cee1b94048faf62afc16c8ab68c9fed8c38010c73a669f9a36e596032f0b973d21895");
        assertThat(m.pcr2())
                .isEqualTo("41e46bdda449ee3fd792772e5b766cb090d2a4a1b0e5a0c5e52c84d426c76cfd298ea725500a107e71399697df2ae2eb");
        assertThat(m.pcr8())
                .contains("70da58334a884328944cd806127c7784677ab60a154249fd21546a217299ccfa1ebfe4fa96a163bf41d3bcfaebe68f6f");
    }

    @Test
    void readsAnUnsignedBuildWithoutPcr8() throws EvidenceRejected {
        NitroMeasurements m = NitroMeasurementsParser.parse(
                TestVectors.text("nitro-measurements/aws-nitro-enclaves-sdk-c-kmstool-build-enclave.json"));

        assertThat(m.pcr0()).startsWith("287b24930a9f").endsWith("3f20e3dd");
        assertThat(m.pcr2()).startsWith("0315f483").endsWith("93b61d6f");
        assertThat(m.pcr8()).isEmpty();
        assertThat(m.pcrs()).containsOnlyKeys(0, 1, 2);
    }

    @Test
    void readsTheLowerCasePcrsForm() throws EvidenceRejected {
        NitroMeasurements m = NitroMeasurementsParser.parse(
                TestVectors.text("nitro-measurements/evervault-expected-pcrs-2023-01-18-nondebug.json"));

        assertThat(m.pcr0()).startsWith("d265a83faa7b");
        assertThat(m.pcr8()).hasValueSatisfying(v -> assertThat(v).startsWith("97c5395a83c0"));
    }

    @Test
    void rejectsAShortPcrNamingIt() {
        String json = "{\"Measurements\":{\"PCR0\":\"abcd\",\"PCR1\":\"" + "0".repeat(96) + "\",\"PCR2\":\""
                + "0".repeat(96) + "\"}}";

        assertThatThrownBy(() -> NitroMeasurementsParser.parse(json))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.field()).isEqualTo("Measurements.PCR0");
                    assertThat(e.reason()).isEqualTo(Reason.MEASUREMENT);
                });
    }

    @Test
    void rejectsMissingPcr2AndInvalidJson() {
        String json = "{\"Measurements\":{\"PCR0\":\"" + "0".repeat(96) + "\",\"PCR1\":\"" + "0".repeat(96) + "\"}}";

        assertThatThrownBy(() -> NitroMeasurementsParser.parse(json))
                .isInstanceOfSatisfying(
                        EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("Measurements.PCR2"));
        assertThatThrownBy(() -> NitroMeasurementsParser.parse("{\"Measurements\":"))
                .isInstanceOfSatisfying(
                        EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }
}
