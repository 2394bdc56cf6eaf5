// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;

/**
 * Real NVIDIA H100 reports and RIMs (vectors/SOURCES.md §8): both reports verify against the NVIDIA Device Identity
 * root with their FWID bound; the VBIOS RIM verifies against the CoRIM root and its golden values equal the
 * matching GPU's blocks except index 9, as recorded; and the rejections: a flipped report byte, broken chains,
 * another nonce, a changed RIM.
 */
class NvidiaGpuVerifierTest {
    private static final VerificationContext JUNE_2024 = VerificationContext.at(Instant.parse("2024-06-01T00:00:00Z"));
    private final NvidiaGpuVerifier gpu = NvidiaGpuVerifier.withNvidiaRoot();
    private final RimVerifier rims = RimVerifier.withNvidiaRoot();

    @Test
    void nvtrustReport() throws Exception {
        GpuAttestation a = gpu.verify(report("nvtrust-hopper-attestation-report.hex"), TestVectors.bytes("nvidia-gpu/nvtrust-hopper-cert-chain.pem"),
                HexFormat.of().parseHex("931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb"), JUNE_2024);
        assertThat(a.measurements()).hasSize(64);
        assertThat(a.driverVersion()).isEqualTo("550.90.07");
        assertThat(a.vbiosVersion()).isEqualTo("96.00.9f.00.01");
        assertThat(a.fwid()).isEqualTo("f5c384aebb579217a2c66b17ed0f28e6a9b8d639041acd7b4721cec004f7275494ba94bb5cdfdb3055ee051762b1f75d");
        // SOURCES.md §8: project 1010, project SKU 0200, chip SKU 882; this VBIOS's RIM is not among NVIDIA's samples
        assertThat(a.vbiosRimId()).isEqualTo("NV_GPU_VBIOS_1010_0200_882_96009F0001");
        assertThat(a.driverRimId()).isEqualTo("NV_GPU_DRIVER_GH100_550.90.07");
        assertThat(a.certificateChain()).hasSize(5);
    }

    @Test
    void cocoReportAndItsVbiosRim() throws Exception {
        GpuAttestation a = gpu.verify(report("trustee-hopper-coco-report1.hex"), TestVectors.bytes("nvidia-gpu/trustee-hopper-coco-certs1.pem"), null, JUNE_2024);
        assertThat(a.driverVersion()).isEqualTo("580.95.05");
        assertThat(a.vbiosVersion()).isEqualTo("96.00.74.00.1a");
        assertThat(a.vbiosRimId()).as("the id under which NVIDIA publishes the RIM file next to it").isEqualTo("NV_GPU_VBIOS_1010_0200_882_960074001A");

        Rim vbios = rims.verify(TestVectors.bytes("nvidia-gpu/rim-vbios-1010_0200_882_960074001A_PROD.swidtag"), JUNE_2024);
        assertThat(vbios.colloquialVersion()).isEqualToIgnoringCase("96.00.74.00.1A");
        assertThat(vbios.activeMeasurements()).hasSize(12);
        assertThat(RimVerifier.mismatches(a, List.of(vbios))).containsExactly(9);
    }

    @Test
    void theDriverRimVerifies() throws Exception {
        Rim driver = rims.verify(TestVectors.bytes("nvidia-gpu/rim-driver-545.00-test_no_gpu.swidtag"), JUNE_2024);
        assertThat(driver.activeMeasurements()).isNotEmpty();
    }

    @Test
    void aChangedRimIsRefused() throws Exception {
        String xml = TestVectors.text("nvidia-gpu/rim-vbios-1010_0200_882_960074001A_PROD.swidtag");
        String forged = xml.replaceFirst("7f3e9382", "059b32e7");
        assertThat(forged).isNotEqualTo(xml);
        assertThatThrownBy(() -> rims.verify(forged.getBytes(StandardCharsets.UTF_8), JUNE_2024))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("rim.signature"));
    }

    @Test
    void aFlippedReportByteBreaksTheSignature() throws Exception {
        byte[] r = report("nvtrust-hopper-attestation-report.hex");
        r[37 + 8 + 7] ^= 1; // the first measurement value
        assertThatThrownBy(() -> gpu.verify(r, TestVectors.bytes("nvidia-gpu/nvtrust-hopper-cert-chain.pem"), null, JUNE_2024))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURE));
    }

    @Test
    void anotherNonceIsRefused() throws Exception {
        assertThatThrownBy(() -> gpu.verify(report("nvtrust-hopper-attestation-report.hex"),
                        TestVectors.bytes("nvidia-gpu/nvtrust-hopper-cert-chain.pem"), new byte[32], JUNE_2024))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("gpu.nonce"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"trustee-chain-missing-leaf.pem", "trustee-chain-missing-provisioner-ica.pem", "trustee-chain-root-only.pem"})
    void brokenChainsAreRefused(String chain) throws Exception {
        assertThatThrownBy(() -> gpu.verify(report("trustee-hopper-coco-report1.hex"), TestVectors.bytes("nvidia-gpu/negative/" + chain), null, JUNE_2024))
                .isInstanceOf(EvidenceRejected.class);
    }

    private static byte[] report(String file) throws Exception {
        return HexFormat.of().parseHex(TestVectors.text("nvidia-gpu/" + file).trim());
    }
}
