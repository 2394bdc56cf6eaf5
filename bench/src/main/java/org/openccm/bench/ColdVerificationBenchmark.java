// SPDX-License-Identifier: Apache-2.0
package org.openccm.bench;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.aci.AciAttestation;
import org.openccm.attestation.aci.AciVerifier;
import org.openccm.attestation.aci.UvmEndorsementVerifier;
import org.openccm.attestation.dcap.DcapAttestation;
import org.openccm.attestation.dcap.DcapCollateral;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.nitro.NitroAttestation;
import org.openccm.attestation.nitro.NitroVerifier;
import org.openccm.attestation.snp.SnpAttestation;
import org.openccm.attestation.snp.SnpVerifier;
import org.openccm.attestation.x509.VerificationCache;
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
 * The verifications of {@link EvidenceVerificationBenchmark}, each from nothing remembered: what the first
 * attestation from a new platform costs (every certificate link, the roots' self-signatures, Intel's collateral and
 * CRL signatures, preparing every public key). Each invocation forgets what the library remembers
 * ({@link VerificationCache#clear()}: verified links and signatures, prepared keys, parsed collateral) and the JDK's
 * own caches: its
 * CertificateFactory hands back the same certificate and CRL objects for the same encoding, and those objects
 * remember what they were verified with, so its caches are emptied through reflection (hence the --add-opens).
 * The SGX collateral is parsed anew each time for the same reason. Only the JIT stays warm.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/sun.security.provider=ALL-UNNAMED",
        "--add-opens=java.base/sun.security.util=ALL-UNNAMED"})
public class ColdVerificationBenchmark {
    // The samples' recorded clocks (testdata/SOURCES.md), made once: parsing an instant is not part of verifying.
    private static final VerificationContext NITRO_CLOCK = VerificationContext.at(Instant.parse("2022-10-13T10:00:00Z"));
    private static final VerificationContext SNP_CLOCK = VerificationContext.at(Instant.parse("2026-03-01T00:00:00Z"));
    private static final VerificationContext ACI_CLOCK = VerificationContext.at(Instant.parse("2023-06-01T00:00:00Z"));
    private static final VerificationContext SGX_CLOCK = VerificationContext.at(Instant.parse("2025-07-01T00:00:00Z"));
    private final NitroVerifier nitro = new NitroVerifier(List.of(NitroVerifier.awsRoot()));
    private final SnpVerifier snp = SnpVerifier.withAmdRoots();
    private final AciVerifier aci = new AciVerifier(snp, UvmEndorsementVerifier.microsoft());
    private final DcapVerifier dcap = DcapVerifier.withIntelRoot();
    private byte[] nitroDocument;
    private byte[] snpReport;
    private byte[] vcek;
    private byte[] aciEvidence;
    private byte[] sgxQuote;
    private byte[] sgxCollateral;
    private Object jdkCertificateCache;
    private Object jdkCrlCache;
    private Method clearJdkCache;

    @Setup
    public void load() throws Exception {
        nitroDocument = Samples.read("nitro/evervault-2022-10-13-nondebug.cbor");
        snpReport = Samples.read("sev-snp/msft-tav-milan-aci-report.bin");
        vcek = Samples.read("sev-snp/msft-tav-milan-vcek.pem");
        sgxQuote = Samples.read("sgx-dcap/phala-sgx-v3-quote.bin");
        sgxCollateral = Samples.read("sgx-dcap/phala-sgx-v3-collateral.json");
        String dir = "aci-policy/csc-aci-evidence-2023/";
        aciEvidence = ("{\"snp_report\":\"" + b64(Samples.read(dir + "snp_report.bin"))
                + "\",\"reference_info\":\"" + b64(Samples.read(dir + "uvm-reference-info.cose"))
                + "\",\"host_amd_cert\":\"" + b64(Samples.read(dir + "host-amd-cert.json")) + "\"}").getBytes(StandardCharsets.US_ASCII);

        Class<?> factory = Class.forName("sun.security.provider.X509Factory");
        jdkCertificateCache = staticField(factory, "certCache");
        jdkCrlCache = staticField(factory, "crlCache");
        clearJdkCache = Class.forName("sun.security.util.Cache").getMethod("clear");
        // Proof that the JDK's cache is defeated: the same encoding parsed after clearing is a new object.
        byte[] pem = vcek;
        Object first = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
        Object cached = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
        forgetEverything();
        Object fresh = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
        if (first != cached || first == fresh) {
            throw new IllegalStateException("the JDK's certificate cache is not what this benchmark expects to clear");
        }
    }

    @Benchmark
    public NitroAttestation nitroDocument() throws Exception {
        forgetEverything();
        return nitro.verify(nitroDocument, NITRO_CLOCK);
    }

    @Benchmark
    public SnpAttestation snpReport() throws Exception {
        forgetEverything();
        return snp.verify(snpReport, vcek, SNP_CLOCK);
    }

    @Benchmark
    public AciAttestation aciGroup() throws Exception {
        forgetEverything();
        return aci.verifyGroup(Evidence.of(aciEvidence), ACI_CLOCK);
    }

    @Benchmark
    public DcapAttestation sgxQuote() throws Exception {
        forgetEverything();
        return dcap.verify(sgxQuote, DcapCollateral.parse(sgxCollateral), SGX_CLOCK);
    }

    private void forgetEverything() throws ReflectiveOperationException {
        VerificationCache.clear();
        clearJdkCache.invoke(jdkCertificateCache);
        clearJdkCache.invoke(jdkCrlCache);
    }

    private static Object staticField(Class<?> type, String name) throws ReflectiveOperationException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(null);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
