// SPDX-License-Identifier: Apache-2.0
package org.openccm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.aci.AciAttestation;
import org.openccm.attestation.aci.AciVerifier;
import org.openccm.attestation.aci.UvmEndorsementVerifier;
import org.openccm.attestation.nitro.NitroAttestation;
import org.openccm.attestation.nitro.NitroVerifier;
import org.openccm.attestation.snp.SnpAttestation;
import org.openccm.attestation.snp.SnpVerifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one attestation costs in verification, per platform, on the real samples at their recorded clocks: a
 * Nitro document (ES384 COSE + chain), a SEV-SNP report (ECDSA P-384 + VCEK chain), an ACI group (SNP report +
 * PS384 UVM endorsement), and an SGX DCAP quote with its collateral. Chain links and collateral signatures verified
 * once are remembered, so this measures the steady state of a server; SignatureCheckBenchmark measures the signature
 * checks left, ColdVerificationBenchmark the same verifications with nothing remembered.
 * Vectors come from the repository's testdata/, or -Dopenccm.vectors=DIR.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class EvidenceVerificationBenchmark {
    // The samples' recorded clocks (testdata/SOURCES.md), made once: parsing an instant is not part of verifying.
    private static final VerificationContext NITRO_CLOCK = VerificationContext.at(Instant.parse("2022-10-13T10:00:00Z"));
    private static final VerificationContext SNP_CLOCK = VerificationContext.at(Instant.parse("2026-03-01T00:00:00Z"));
    private static final VerificationContext ACI_CLOCK = VerificationContext.at(Instant.parse("2023-06-01T00:00:00Z"));
    private static final VerificationContext SGX_CLOCK = VerificationContext.at(Instant.parse("2025-07-01T00:00:00Z"));
    private final NitroVerifier nitro = new NitroVerifier(java.util.List.of(NitroVerifier.awsRoot()));
    private final SnpVerifier snp = SnpVerifier.withAmdRoots();
    private final AciVerifier aci = new AciVerifier(snp, UvmEndorsementVerifier.microsoft());
    private byte[] nitroDocument;
    private byte[] snpReport;
    private byte[] vcek;
    private byte[] aciEvidence;
    private final org.openccm.attestation.dcap.DcapVerifier dcap = org.openccm.attestation.dcap.DcapVerifier.withIntelRoot();
    private byte[] sgxQuote;
    private org.openccm.attestation.dcap.DcapCollateral sgxCollateral;

    @Setup
    public void load() throws IOException {
        nitroDocument = read("nitro/evervault-2022-10-13-nondebug.cbor");
        snpReport = read("sev-snp/msft-tav-milan-aci-report.bin");
        vcek = read("sev-snp/msft-tav-milan-vcek.pem");
        sgxQuote = read("sgx-dcap/phala-sgx-v3-quote.bin");
        try {
            sgxCollateral = org.openccm.attestation.dcap.DcapCollateral.parse(read("sgx-dcap/phala-sgx-v3-collateral.json"));
        } catch (EvidenceRejected e) {
            throw new IllegalStateException(e);
        }
        String dir = "aci-policy/csc-aci-evidence-2023/";
        aciEvidence = ("{\"snp_report\":\"" + b64(read(dir + "snp_report.bin"))
                + "\",\"reference_info\":\"" + b64(read(dir + "uvm-reference-info.cose"))
                + "\",\"host_amd_cert\":\"" + b64(read(dir + "host-amd-cert.json")) + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public NitroAttestation nitroDocument() throws EvidenceRejected {
        return nitro.verify(nitroDocument, NITRO_CLOCK);
    }

    @Benchmark
    public SnpAttestation snpReport() throws EvidenceRejected {
        return snp.verify(snpReport, vcek, SNP_CLOCK);
    }

    @Benchmark
    public AciAttestation aciGroup() throws EvidenceRejected {
        return aci.verifyGroup(Evidence.of(aciEvidence), ACI_CLOCK);
    }

    @Benchmark
    public org.openccm.attestation.dcap.DcapAttestation sgxQuote() throws EvidenceRejected {
        return dcap.verify(sgxQuote, sgxCollateral, SGX_CLOCK);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] read(String relative) throws IOException {
        return Samples.read(relative);
    }
}
