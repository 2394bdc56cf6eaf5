// SPDX-License-Identifier: Apache-2.0
package org.openccm.bench;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openccm.attestation.cbor.Cbor;
import org.openccm.attestation.dcap.DcapQuote;
import org.openccm.attestation.snp.SnpReport;
import org.openccm.attestation.snp.SnpReportParser;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.attestation.x509.Ecdsa;
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
 * The floor under {@link EvidenceVerificationBenchmark}: only the signature checks a verification cannot avoid once
 * the vendor chains are remembered, with the library's own {@link Ecdsa} on the keys and signatures of the same real
 * samples. A Nitro document: its COSE ES384 signature (1 × P-384). A SEV-SNP report: its signature by the VCEK
 * (1 × P-384). An SGX quote: the QE report by the PCK and the quote by the attestation key (2 × P-256). Each
 * platform's cached verification divided by its method here is the overhead of everything else.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SignatureCheckBenchmark {
    private PublicKey nitroLeaf;
    private byte[] nitroSigned;
    private byte[] nitroSignature;
    private PublicKey vcek;
    private byte[] snpSigned;
    private byte[] snpSignature;
    private PublicKey pck;
    private byte[] qeReport;
    private byte[] qeReportSignature;
    private byte[] attestationKey;
    private byte[] quoteSigned;
    private byte[] quoteSignature;

    @Setup
    public void load() throws Exception {
        // Nitro: COSE_Sign1 [protected, unprotected, payload, signature]; ES384 over Sig_structure (RFC 9052 4.4).
        Object document = Cbor.decode(Samples.read("nitro/evervault-2022-10-13-nondebug.cbor"));
        List<?> cose = (List<?>) (document instanceof Cbor.Tagged tagged ? tagged.item() : document);
        byte[] payload = (byte[]) cose.get(2);
        nitroSigned = Cbor.encode(List.of("Signature1", cose.get(0), new byte[0], payload));
        nitroSignature = (byte[]) cose.get(3);
        Map<?, ?> fields = (Map<?, ?>) Cbor.decode(payload);
        nitroLeaf = CertificateChains.parse("certificate", (byte[]) fields.get("certificate")).getPublicKey();

        // SEV-SNP: the report up to its signature, R and S little-endian in 72-byte fields of which 48 are used.
        SnpReport report = SnpReportParser.parse(Samples.read("sev-snp/msft-tav-milan-aci-report.bin"));
        snpSigned = report.signedBytes();
        snpSignature = new byte[96];
        for (int i = 0; i < 48; i++) {
            snpSignature[47 - i] = report.signatureR()[i];
            snpSignature[95 - i] = report.signatureS()[i];
        }
        vcek = CertificateChains.parseAll("VCEK", Samples.read("sev-snp/msft-tav-milan-vcek.pem")).getFirst().getPublicKey();

        DcapQuote quote = DcapQuote.parse(Samples.read("sgx-dcap/phala-sgx-v3-quote.bin"));
        pck = CertificateChains.parseAll("PCK", quote.certificationData()).getFirst().getPublicKey();
        qeReport = quote.qeReport();
        qeReportSignature = quote.qeReportSignature();
        attestationKey = quote.attestationKey();
        quoteSigned = quote.signedBytes();
        quoteSignature = quote.signature();

        if (!nitroDocument() || !snpReport() || !sgxQuote()) {
            throw new IllegalStateException("a sample's signature does not verify: the benchmark would measure a refusal");
        }
    }

    @Benchmark
    public boolean nitroDocument() throws Exception {
        return Ecdsa.verifyP1363(nitroLeaf, Ecdsa.Hash.SHA384, nitroSigned, nitroSignature);
    }

    @Benchmark
    public boolean snpReport() throws Exception {
        return Ecdsa.verifyP1363(vcek, Ecdsa.Hash.SHA384, snpSigned, snpSignature);
    }

    @Benchmark
    public boolean sgxQuote() throws Exception {
        return Ecdsa.verifyP1363(pck, Ecdsa.Hash.SHA256, qeReport, qeReportSignature)
                & Ecdsa.verifyP256(attestationKey, Ecdsa.Hash.SHA256, quoteSigned, quoteSignature);
    }
}
