// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.aci.AciVerifier;
import org.openccm.attestation.aci.UvmEndorsementVerifier;
import org.openccm.attestation.azurecvm.AzureCvmVerifier;
import org.openccm.attestation.cbor.Cbor;
import org.openccm.attestation.cbor.CborException;
import org.openccm.attestation.dcap.DcapCollateral;
import org.openccm.attestation.dcap.DcapQuote;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.dcap.PckExtension;
import org.openccm.attestation.gpu.NvidiaGpuVerifier;
import org.openccm.attestation.gpu.RimVerifier;
import org.openccm.attestation.nitro.NitroMeasurementsParser;
import org.openccm.attestation.nitro.NitroVerifier;
import org.openccm.attestation.sgx.SigstructParser;
import org.openccm.attestation.snp.SnpReportParser;
import org.openccm.attestation.snp.SnpVerifier;
import org.openccm.attestation.x509.CertificateChains;

/**
 * One Jazzer fuzz target per parser of hostile input. The rule each holds to: whatever the bytes, the parser either
 * accepts them or throws its typed rejection ({@link EvidenceRejected}, {@link CborException} for raw CBOR); any
 * other exception, a hang (Jazzer's timeout) or an allocation the input does not justify (the JVM's heap limit)
 * is a finding. Under {@code mvn test} each target runs the inputs kept in its corpus directory and
 * {@link #realSamplesMeetTheRule} runs every real vector through the same targets; {@code .ci/fuzz} fuzzes each for a
 * given time (JAZZER_FUZZ=1), seeded with the real vectors (README, Security).
 */
class ParserFuzzTest {
    private static final VerificationContext AT = VerificationContext.at(Instant.parse("2025-06-01T00:00:00Z"));
    private static final SnpVerifier SNP = SnpVerifier.withAmdRoots();
    private static final DcapVerifier DCAP = DcapVerifier.withIntelRoot();
    private static final byte[] GPU_CHAIN = TestVectors.bytes("nvidia-gpu/trustee-hopper-coco-certs1.pem");

    /** A parser under test: must accept or reject, nothing else. */
    interface Target {
        void run(byte[] input) throws EvidenceRejected, CborException;
    }

    /** Every target, by the name of its fuzz test method, with the real vectors that seed it. */
    static final Map<String, Target> TARGETS = Map.ofEntries(
            Map.entry("cbor", Cbor::decode),
            Map.entry("nitroDocument", in -> NitroVerifier.withAwsRoot().verify(Evidence.of(in), AT)),
            Map.entry("snpReport", in -> {
                SnpReportParser.parse(in);
                SNP.verify(new Evidence(in, TestVectors.bytes("sev-snp/msft-tav-milan-vcek.pem"), null), AT);
            }),
            Map.entry("dcapQuote", in -> {
                DcapQuote.parse(in);
                DCAP.verify(in, TestVectors.bytes("sgx-dcap/phala-sgx-v3-collateral.json"), AT, "SGX");
            }),
            Map.entry("dcapCollateral", DcapCollateral::parse),
            Map.entry("pckCertificate", in -> {
                var chain = CertificateChains.parseAll("pck", in);
                if (!chain.isEmpty()) {
                    PckExtension.of(chain.getFirst());
                }
            }),
            Map.entry("azureCvm", in -> new AzureCvmVerifier(SNP, DCAP).verify(Evidence.of(in), AT)),
            Map.entry("aciEvidence", in -> new AciVerifier(SNP, UvmEndorsementVerifier.microsoft()).verify(Evidence.of(in), AT)),
            Map.entry("gpuReport", in -> NvidiaGpuVerifier.withNvidiaRoot().verify(in, GPU_CHAIN, null, AT)),
            Map.entry("rim", in -> RimVerifier.withNvidiaRoot().verify(in, AT)),
            Map.entry("sigstruct", SigstructParser::parse),
            Map.entry("nitroCliJson", in -> NitroMeasurementsParser.parse(new String(in, StandardCharsets.UTF_8))));

    static final Map<String, List<String>> SEEDS = Map.ofEntries(
            Map.entry("cbor", List.of("nitro/evervault-2022-10-13-nondebug.cbor", "aci-policy/csc-aci-evidence-2023/uvm-reference-info.cose")),
            Map.entry("nitroDocument", List.of("nitro/evervault-2022-10-13-nondebug.cbor", "nitro/fortanix-2021-09-09-debug.cbor")),
            Map.entry("snpReport", List.of("sev-snp/msft-tav-milan-aci-report.bin", "sev-snp/msft-tav-turin-aci-report.bin")),
            Map.entry("dcapQuote", List.of("sgx-dcap/phala-sgx-v3-quote.bin", "tdx/phala-tdx-v4-quote.bin")),
            Map.entry("dcapCollateral", List.of("sgx-dcap/phala-sgx-v3-collateral.json", "tdx/phala-tdx-v4-collateral.json")),
            Map.entry("pckCertificate", List.of("sgx-dcap/collateral-phala-sgx-2025-06/pck-crl-issuer-chain.pem")),
            Map.entry("azureCvm", List.of("azure-cvm/trustee-az-snp-vtpm-milan-evidence-v1.json", "azure-cvm/trustee-az-tdx-vtpm-evidence-v1.json")),
            Map.entry("aciEvidence", List.of("aci-policy/csc-aci-evidence-2023/host-amd-cert.json")),
            Map.entry("gpuReport", List.of("nvidia-gpu/trustee-hopper-coco-report1.hex")),
            Map.entry("rim", List.of("nvidia-gpu/rim-vbios-1010_0200_882_960074001A_PROD.swidtag")),
            Map.entry("sigstruct", List.of("sigstruct/intel-pce-1.25.100.1.sigstruct.bin")),
            Map.entry("nitroCliJson", List.of("nitro-measurements/aws-nitro-enclaves-sdk-c-kmstool-build-enclave.json")));

    static {
        FuzzCorpus.seed(ParserFuzzTest.class, SEEDS, TestVectors::bytes);
    }

    /** Runs a target: its typed rejection is an answer, anything else escapes to fail the run. */
    static void fuzz(String target, byte[] input) {
        try {
            TARGETS.get(target).run(input);
        } catch (EvidenceRejected | CborException expected) {
            // the parser's own answer to bad input
        }
    }

    static Stream<Arguments> realSamples() {
        return SEEDS.entrySet().stream().flatMap(e -> e.getValue().stream().map(v -> Arguments.of(e.getKey(), v)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("realSamples")
    void realSamplesMeetTheRule(String target, String vector) {
        byte[] sample = TestVectors.bytes(vector);
        fuzz(target, sample);
        // and cut at every length class, and with each byte of the first 64 flipped
        for (int cut : new int[] {0, 1, sample.length / 2, Math.max(0, sample.length - 1)}) {
            fuzz(target, java.util.Arrays.copyOf(sample, cut));
        }
        for (int i = 0; i < Math.min(64, sample.length); i++) {
            byte[] flipped = sample.clone();
            flipped[i] ^= (byte) 0xff;
            fuzz(target, flipped);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void cbor(byte[] input) {
        fuzz("cbor", input);
    }

    @FuzzTest(maxDuration = "10s")
    void nitroDocument(byte[] input) {
        fuzz("nitroDocument", input);
    }

    @FuzzTest(maxDuration = "10s")
    void snpReport(byte[] input) {
        fuzz("snpReport", input);
    }

    @FuzzTest(maxDuration = "10s")
    void dcapQuote(byte[] input) {
        fuzz("dcapQuote", input);
    }

    @FuzzTest(maxDuration = "10s")
    void dcapCollateral(byte[] input) {
        fuzz("dcapCollateral", input);
    }

    @FuzzTest(maxDuration = "10s")
    void pckCertificate(byte[] input) {
        fuzz("pckCertificate", input);
    }

    @FuzzTest(maxDuration = "10s")
    void azureCvm(byte[] input) {
        fuzz("azureCvm", input);
    }

    @FuzzTest(maxDuration = "10s")
    void aciEvidence(byte[] input) {
        fuzz("aciEvidence", input);
    }

    @FuzzTest(maxDuration = "10s")
    void gpuReport(byte[] input) {
        fuzz("gpuReport", input);
    }

    @FuzzTest(maxDuration = "10s")
    void rim(byte[] input) {
        fuzz("rim", input);
    }

    @FuzzTest(maxDuration = "10s")
    void sigstruct(byte[] input) {
        fuzz("sigstruct", input);
    }

    @FuzzTest(maxDuration = "10s")
    void nitroCliJson(byte[] input) {
        fuzz("nitroCliJson", input);
    }
}
