// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.aci.AciVerifier;
import org.openccm.attestation.aci.UvmEndorsementVerifier;
import org.openccm.attestation.azurecvm.AzureCvmVerifier;
import org.openccm.attestation.dcap.DcapCollateral;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.dcap.TcbPolicy;
import org.openccm.attestation.nitro.NitroVerifier;
import org.openccm.attestation.sgx.SgxVerifier;
import org.openccm.attestation.snp.SnpVerifier;
import org.openccm.attestation.tdx.TdxVerifier;

/**
 * The one contract every platform implements, on a real sample of each: verified without a binding it says it
 * checked none; with a key the sample does not bind it is refused as BINDING naming the key's source; what it
 * measured matches reference values made of the same values, shares a lookup key with them, and names the field that
 * differs when one value changes. Missing collateral comes from the context's source.
 */
class EvidenceVerifierContractTest {
    private static final SnpVerifier SNP = SnpVerifier.withAmdRoots();
    private static final DcapVerifier DCAP = DcapVerifier.withIntelRoot();
    // The Phala SGX sample is ConfigurationAndSWHardeningNeeded: accepted here so the contract can be shown on it.
    private static final TcbPolicy LENIENT = new TcbPolicy(List.of("UpToDate", "SWHardeningNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate"));

    record Sample(String name, EvidenceVerifier verifier, Evidence evidence, Instant at) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Sample> samples() throws Exception {
        return Stream.of(
                new Sample("nitro", NitroVerifier.withAwsRoot(), Evidence.of(TestVectors.bytes("nitro/evervault-2022-10-13-nondebug.cbor")),
                        Instant.parse("2022-10-13T10:00:00Z")),
                new Sample("sev-snp", SNP, new Evidence(TestVectors.bytes("sev-snp/msft-tav-milan-aci-report.bin"),
                        TestVectors.bytes("sev-snp/msft-tav-milan-vcek.pem")), Instant.parse("2026-03-01T00:00:00Z")),
                new Sample("aci", new AciVerifier(SNP, UvmEndorsementVerifier.microsoft()), Evidence.of(aciEvidence()),
                        Instant.parse("2023-06-01T00:00:00Z")),
                new Sample("sgx", new SgxVerifier(DCAP, LENIENT), new Evidence(TestVectors.bytes("sgx-dcap/phala-sgx-v3-quote.bin"), null,
                        TestVectors.bytes("sgx-dcap/phala-sgx-v3-collateral.json")), Instant.parse("2025-07-01T00:00:00Z")),
                new Sample("tdx", new TdxVerifier(DCAP, TcbPolicy.DEFAULT), new Evidence(TestVectors.bytes("tdx/phala-tdx-v4-quote.bin"), null,
                        TestVectors.bytes("tdx/phala-tdx-v4-collateral.json")), Instant.parse("2025-07-01T00:00:00Z")),
                new Sample("azure-cvm", new AzureCvmVerifier(SNP, DCAP), Evidence.of(TestVectors.bytes("azure-cvm/trustee-az-snp-vtpm-milan-evidence-v1.json")),
                        Instant.parse("2025-06-01T00:00:00Z")));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void withoutABindingTheResultSaysNoneWasChecked(Sample s) throws Exception {
        VerifiedEvidence v = s.verifier().verify(s.evidence(), VerificationContext.at(s.at()));

        assertThat(v.bound()).isFalse();
        assertThat(v.platform()).isEqualTo(s.verifier().platform());
        assertThat(v.measurement().describe()).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void aKeyTheEvidenceDoesNotBindIsRefused(Sample s) throws Exception {
        KeyBinding someKey = KeyBinding.of("csr", KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded());

        assertThatThrownBy(() -> s.verifier().verify(s.evidence(), VerificationContext.at(s.at()).binding(someKey)))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.BINDING);
                    assertThat(e.field()).isEqualTo("csr");
                });
    }

    @ParameterizedTest
    @MethodSource("samples")
    void theMeasurementMatchesItsOwnValuesAndNamesAChangedOne(Sample s) throws Exception {
        Measurement m = s.verifier().verify(s.evidence(), VerificationContext.at(s.at())).measurement();
        ReferenceValues same = referenceValuesOf(m, false);
        ReferenceValues changed = referenceValuesOf(m, true);

        assertThat(m.compare(same)).isEmpty();
        assertThat(m.lookupKeys()).containsAnyElementsOf(same.lookupKeys());
        List<Mismatch> mismatches = m.compare(changed);
        assertThat(mismatches).hasSize(1);
        assertThat(mismatches.getFirst().expected()).isNotEqualTo(mismatches.getFirst().measured());
    }

    @Test
    void aMeasurementIsNeverTheReferenceValuesOfAnotherPlatform() throws Exception {
        Sample nitro = samples().findFirst().orElseThrow();
        Measurement m = nitro.verifier().verify(nitro.evidence(), VerificationContext.at(nitro.at())).measurement();

        assertThat(m.compare(new ReferenceValues.Aci("00".repeat(32))))
                .containsExactly(new Mismatch("platform", "ACI", "NITRO"));
    }

    @Test
    void aDcapQuoteWithoutCollateralTakesItFromTheContextsSource() throws Exception {
        byte[] quote = TestVectors.bytes("sgx-dcap/phala-sgx-v3-quote.bin");
        DcapCollateral intel = DcapCollateral.parse(TestVectors.bytes("sgx-dcap/phala-sgx-v3-collateral.json"));
        List<String> asked = new ArrayList<>();
        CollateralSource source = new CollateralSource() {
            @Override
            public Optional<DcapCollateral> intel(String fmspc, boolean tdx, String pckCa, Instant now) {
                asked.add(fmspc + (tdx ? "/tdx/" : "/sgx/") + pckCa);
                return Optional.of(intel);
            }

            @Override
            public Optional<byte[]> amdVcek(org.openccm.attestation.snp.SnpReport report, Instant now) {
                return Optional.empty();
            }
        };
        SgxVerifier sgx = new SgxVerifier(DCAP, LENIENT);
        VerificationContext july = VerificationContext.at(Instant.parse("2025-07-01T00:00:00Z"));

        VerifiedEvidence v = sgx.verify(Evidence.of(quote), july.collateral(source));

        assertThat(asked).containsExactly("00a067110000/sgx/processor");
        assertThat(v.measurement()).isInstanceOfSatisfying(Measurement.Sgx.class,
                s -> assertThat(s.mrenclave()).isEqualTo("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb"));
        assertThatThrownBy(() -> sgx.verify(Evidence.of(quote), july))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("collateral"));
    }

    @Test
    void collateralFromTheSourceGetsTheGraceAndSaysSoWhileCollateralTheWorkloadBringsGetsNone() throws Exception {
        byte[] quote = TestVectors.bytes("sgx-dcap/phala-sgx-v3-quote.bin");
        byte[] json = TestVectors.bytes("sgx-dcap/phala-sgx-v3-collateral.json");
        DcapCollateral intel = DcapCollateral.parse(json);
        CollateralSource cache = new CollateralSource() {
            @Override
            public Optional<DcapCollateral> intel(String fmspc, boolean tdx, String pckCa, Instant now) {
                return Optional.of(intel);
            }

            @Override
            public Optional<byte[]> amdVcek(org.openccm.attestation.snp.SnpReport report, Instant now) {
                return Optional.empty();
            }
        };
        SgxVerifier sgx = new SgxVerifier(DCAP, LENIENT);
        VerificationContext lateByADay = VerificationContext.at(Instant.parse("2025-07-20T12:00:00Z")).collateralGrace(java.time.Duration.ofDays(3));

        VerifiedEvidence stale = sgx.verify(Evidence.of(quote), lateByADay.collateral(cache));

        assertThat(stale.warnings()).hasSize(3).allMatch(w -> w.startsWith("stale collateral used within the grace period: collateral."));
        assertThatThrownBy(() -> sgx.verify(new Evidence(quote, null, json), lateByADay))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
        assertThatThrownBy(() -> sgx.verify(Evidence.of(quote), lateByADay.collateralGrace(java.time.Duration.ZERO).collateral(cache)))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
    }

    @Test
    void aCrlTheSourceCannotObtainRefusesTheQuoteUnlessTheOperatorChoseFailOpen() throws Exception {
        byte[] quote = TestVectors.bytes("sgx-dcap/phala-sgx-v3-quote.bin");
        DcapCollateral full = DcapCollateral.parse(TestVectors.bytes("sgx-dcap/phala-sgx-v3-collateral.json"));
        DcapCollateral withoutPckCrl = new DcapCollateral(full.tcbInfo(), full.tcbInfoSignature(), full.tcbInfoIssuerChain(), full.qeIdentity(),
                full.qeIdentitySignature(), full.qeIdentityIssuerChain(), null, full.rootCaCrl());
        CollateralSource source = new CollateralSource() {
            @Override
            public Optional<DcapCollateral> intel(String fmspc, boolean tdx, String pckCa, Instant now) {
                return Optional.of(withoutPckCrl);
            }

            @Override
            public Optional<byte[]> amdVcek(org.openccm.attestation.snp.SnpReport report, Instant now) {
                return Optional.empty();
            }
        };
        VerificationContext july = VerificationContext.at(Instant.parse("2025-07-01T00:00:00Z")).collateral(source);

        assertThatThrownBy(() -> new SgxVerifier(DCAP, LENIENT).verify(Evidence.of(quote), july))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CHAIN);
                    assertThat(e.field()).isEqualTo("collateral.pck_crl");
                    assertThat(e.getMessage()).contains("fail-closed");
                });
        VerifiedEvidence open = new SgxVerifier(new DcapVerifier(DcapVerifier.intelRoot(), true), LENIENT).verify(Evidence.of(quote), july);
        assertThat(open.warnings()).containsExactly(
                "revocation not checked: collateral.pck_crl could not be obtained (revocation policy: fail-open)");
    }

    @Test
    void anSnpReportSaysItsProductFromVersion3On() throws Exception {
        assertThat(org.openccm.attestation.snp.SnpReportParser.parse(TestVectors.bytes("sev-snp/msft-tav-milan-aci-report.bin")).product())
                .contains(org.openccm.attestation.snp.AmdProduct.MILAN);
        assertThat(org.openccm.attestation.snp.SnpReportParser.parse(TestVectors.bytes("sev-snp/msft-tav-genoa-aci-report.bin")).product())
                .contains(org.openccm.attestation.snp.AmdProduct.GENOA);
        assertThat(org.openccm.attestation.snp.SnpReportParser.parse(TestVectors.bytes("sev-snp/msft-tav-turin-aci-report.bin")).product())
                .contains(org.openccm.attestation.snp.AmdProduct.TURIN);
        assertThat(org.openccm.attestation.snp.SnpReportParser.parse(TestVectors.bytes("sev-snp/trustee-milan-idblock-report.bin")).product())
                .as("version 2 has no CPUID fields").isEmpty();
    }

    @Test
    void anSnpReportWithoutItsVcekTakesItFromTheSourceWhichLearnsTheVceksThatVerified() throws Exception {
        byte[] report = TestVectors.bytes("sev-snp/msft-tav-milan-aci-report.bin");
        byte[] vcek = TestVectors.bytes("sev-snp/msft-tav-milan-vcek.pem");
        List<X509Certificate> learnt = new ArrayList<>();
        CollateralSource cache = new CollateralSource() {
            @Override
            public Optional<DcapCollateral> intel(String fmspc, boolean tdx, String pckCa, Instant now) {
                return Optional.empty();
            }

            @Override
            public Optional<byte[]> amdVcek(org.openccm.attestation.snp.SnpReport report, Instant now) {
                return learnt.isEmpty() ? Optional.empty() : Optional.of(vcek);
            }

            @Override
            public void verifiedVcek(byte[] chipId, long reportedTcb, X509Certificate certificate) {
                learnt.add(certificate);
            }
        };
        VerificationContext march = VerificationContext.at(Instant.parse("2026-03-01T00:00:00Z")).collateral(cache);

        assertThatThrownBy(() -> SNP.verify(Evidence.of(report), march))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("vcek"));
        SNP.verify(new Evidence(report, vcek), march);
        assertThat(learnt).hasSize(1);
        assertThat(SNP.verify(Evidence.of(report), march).measurement().platform()).isEqualTo(Platform.SEV_SNP);
    }

    /** Reference values made of what was measured; {@code change} alters the first identifying value. */
    private static ReferenceValues referenceValuesOf(Measurement m, boolean change) {
        return switch (m) {
            case Measurement.Nitro n -> new ReferenceValues.Nitro(flip(n.pcrs().get(0), change), n.pcrs().get(1), n.pcrs().get(2), null);
            case Measurement.SevSnp s -> new ReferenceValues.SevSnp(flip(s.measurement(), change), s.vmpl(), List.of());
            case Measurement.Aci a -> new ReferenceValues.Aci(flip(a.snp().hostData(), change));
            case Measurement.Sgx s -> new ReferenceValues.Sgx(flip(s.mrenclave(), change), s.mrsigner(), s.isvProdId(), s.isvSvn());
            case Measurement.Tdx t -> new ReferenceValues.Tdx(flip(t.mrtd(), change), t.rtmr0(), t.rtmr1(), t.rtmr2(), t.rtmr3(), List.of());
            case Measurement.AzureCvm c -> {
                TreeMap<Integer, String> pcrs = new TreeMap<>(c.pcrs());
                pcrs.put(0, flip(pcrs.get(0), change));
                yield new ReferenceValues.AzureCvm(pcrs, List.of());
            }
        };
    }

    private static String flip(String hex, boolean change) {
        return change ? (hex.charAt(0) == '0' ? "1" : "0") + hex.substring(1) : hex;
    }

    private static byte[] aciEvidence() throws Exception {
        String dir = "aci-policy/csc-aci-evidence-2023/";
        var doc = tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode();
        var base64 = java.util.Base64.getEncoder();
        doc.put("snp_report", base64.encodeToString(TestVectors.bytes(dir + "snp_report.bin")));
        doc.put("reference_info", base64.encodeToString(TestVectors.bytes(dir + "uvm-reference-info.cose")));
        doc.put("host_amd_cert", base64.encodeToString(TestVectors.bytes(dir + "host-amd-cert.json")));
        return doc.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
