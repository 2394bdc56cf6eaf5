// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.snp;

import static org.openccm.attestation.RejectionSupport.assertRejected;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openccm.attestation.CollateralSource;
import org.openccm.attestation.dcap.DcapCollateral;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.RejectionSupport;
import org.openccm.attestation.RejectionSupport.Ext;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.attestation.x509.Der;

/**
 * Each refusal of the SEV-SNP parser and verifier that the sample tests do not reach, on the real Milan ACI report
 * (SOURCES.md §2, clock 2026-03-01). The VCEK extensions are read after the chain is checked, so a VCEK lacking one
 * is issued by a minted ARK/ASK that a verifier is built to trust; its other extensions are the real VCEK's.
 */
class SnpRejectionsTest {
    private static final SnpVerifier VERIFIER = SnpVerifier.withAmdRoots();
    private static final VerificationContext MAR_2026 = VerificationContext.at(Instant.parse("2026-03-01T00:00:00Z"));
    private static final String OID = "1.3.6.1.4.1.3704.1.";
    private static final String MILAN_CRL = "sev-snp/kds/amd-milan-crl-2025-05-06.der";
    private static final String GENOA_CRL = "sev-snp/kds/amd-genoa-crl-2024-10-23.der";

    // ---- the report ----

    @Test
    void aSignatureAlgorithmOtherThanEcdsaP384IsRefused() {
        byte[] report = report();
        report[0x034] = 2;

        assertRejected(() -> SnpReportParser.parse(report), Reason.MALFORMED, "SIGNATURE_ALGO", "must be 1 (ECDSA P-384/SHA-384), got 2");
    }

    @Test
    void reservedSignerInfoBitsAreRefused() {
        byte[] report = report();
        report[0x048] |= 0x20;

        assertRejected(() -> SnpReportParser.parse(report), Reason.MALFORMED, "SIGNER_INFO", "reserved bits are set");
    }

    @ParameterizedTest(name = "a non-zero byte at 0x{0} is refused as {1}")
    @CsvSource({"4c, reserved at 0x04C", "18b, reserved at 0x188", "1f8, reserved at 0x1F8", "29f, reserved at 0x1F8"})
    void nonZeroReservedBytesAreRefused(String offset, String field) {
        byte[] report = report();
        report[Integer.parseInt(offset, 16)] = 1;

        assertRejected(() -> SnpReportParser.parse(report), Reason.MALFORMED, field, "must be zero, byte 0x" + offset + " is not");
    }

    @Test
    void aReportSignedByNoKeyIsRefused() {
        byte[] report = report();
        report[0x048] = 0x1C; // SIGNING_KEY = 7: no key

        assertRejected(() -> VERIFIER.verify(report, vcek(), MAR_2026), Reason.SIGNATURE, "SIGNER_INFO",
                "the report is not signed (SIGNING_KEY 7)");
    }

    // ---- the signing certificate, before its chain ----

    @Test
    void noCertificateIsRefused() {
        assertRejected(() -> VERIFIER.verify(report(), new byte[0], MAR_2026), Reason.CHAIN, "VCEK", "no certificate given");
    }

    @Test
    void aCertificateWithoutProductNameIsRefused() throws Exception {
        byte[] ask = CertificateChains.parseAll("ask", TestVectors.bytes("sev-snp/amd-milan-ask-ark.pem")).getFirst().getEncoded();

        assertRejected(() -> VERIFIER.verify(report(), ask, MAR_2026), Reason.CHAIN, "VCEK",
                "has no productName extension (1.3.6.1.4.1.3704.1.2)");
    }

    @Test
    void anUnknownProductIsRefused() throws Exception {
        KeyPair key = RejectionSupport.ec("secp384r1");
        X509Certificate rome = RejectionSupport.leaf("CN=SEV-VCEK", key.getPublic(), "CN=SEV-VCEK", key.getPrivate(),
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"),
                RejectionSupport.ext(OID + "2", RejectionSupport.derIa5("Rome-B0")));
        X509Certificate notIa5 = RejectionSupport.leaf("CN=SEV-VCEK", key.getPublic(), "CN=SEV-VCEK", key.getPrivate(),
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"),
                RejectionSupport.ext(OID + "2", RejectionSupport.derInteger(3)));

        assertRejected(() -> VERIFIER.verify(report(), rome.getEncoded(), MAR_2026), Reason.WRONG_ROOT, "VCEK", "unknown AMD product Rome-B0");
        assertRejected(() -> VERIFIER.verify(report(), notIa5.getEncoded(), MAR_2026), Reason.WRONG_ROOT, "VCEK", "expected DER tag 0x16");
    }

    @Test
    void aProductWithoutConfiguredRootsIsRefused() throws Exception {
        SnpVerifier genoaOnly = new SnpVerifier(Map.of(AmdProduct.GENOA, amd(AmdProduct.GENOA, "sev-snp/amd-genoa-ask-ark-asvk.pem")));

        assertRejected(() -> genoaOnly.verify(report(), vcek(), MAR_2026), Reason.WRONG_ROOT, "VCEK", "no AMD root is configured for Milan");
    }

    @Test
    void aVlekReportWithoutAConfiguredAsvkIsRefused() throws Exception {
        SnpVerifier.AmdCertificates milan = amd(AmdProduct.MILAN, "sev-snp/amd-milan-ask-ark.pem");
        SnpVerifier noAsvk = new SnpVerifier(Map.of(AmdProduct.MILAN, milan));

        assertRejected(() -> noAsvk.verify(TestVectors.bytes("sev-snp/trustee-milan-vlek-aws-report.bin"),
                        TestVectors.bytes("sev-snp/trustee-milan-vlek-aws.der"), VerificationContext.at(Instant.parse("2025-06-01T00:00:00Z"))),
                Reason.WRONG_ROOT, "VLEK", "no ASVK is configured for Milan");
    }

    // ---- the VCEK's extensions, after its chain: VCEKs issued by a minted ASK ----

    @Test
    void aVcekWithoutHwIdIsRefused() throws Exception {
        TestAmd amd = new TestAmd();
        byte[] vcek = amd.vcek(RejectionSupport.ec("secp384r1"), OID + "4", null);

        assertRejected(() -> amd.verifier().verify(report(), vcek, MAR_2026), Reason.BINDING, "VCEK",
                "has no hwID extension (1.3.6.1.4.1.3704.1.4)");
    }

    @Test
    void aVcekWithoutAnSplIsRefused() throws Exception {
        TestAmd amd = new TestAmd();
        byte[] vcek = amd.vcek(RejectionSupport.ec("secp384r1"), OID + "3.8", null);

        assertRejected(() -> amd.verifier().verify(report(), vcek, MAR_2026), Reason.TCB, "VCEK", "has no ucodeSPL extension");
    }

    @Test
    void anSplThatIsNotAnIntegerIsRefused() throws Exception {
        TestAmd amd = new TestAmd();
        byte[] vcek = amd.vcek(RejectionSupport.ec("secp384r1"), OID + "3.1", RejectionSupport.derIa5("4"));

        assertRejected(() -> amd.verifier().verify(report(), vcek, MAR_2026), Reason.TCB, "VCEK", "blSPL extension is not a DER INTEGER");
    }

    @Test
    void aVcekWhoseKeyIsNotEcIsRefused() throws Exception {
        TestAmd amd = new TestAmd();
        byte[] vcek = amd.vcek(RejectionSupport.rsa(), null, null);

        assertRejected(() -> amd.verifier().verify(report(), vcek, MAR_2026), Reason.SIGNATURE, "SIGNATURE", "cannot be verified");
    }

    // ---- AMD's CRL (the real Milan CRL of 2025-05-06, current at the clock; SOURCES.md §2) ----

    @Test
    void withAmdsCurrentCrlTheReportVerifiesWithoutWarningEvenFailClosed() throws Exception {
        SnpAttestation a = VERIFIER.failClosed().verify(report(), vcek(), MAR_2026.collateral(crlSource(MILAN_CRL)));
        org.assertj.core.api.Assertions.assertThat(a.collateralWarnings()).isEmpty();
    }

    @Test
    void aCrlThatCannotBeObtainedRefusesTheReportWhenFailClosedAndIsReportedWhenFailOpen() throws Exception {
        assertRejected(() -> VERIFIER.failClosed().verify(report(), vcek(), MAR_2026), Reason.CHAIN, "collateral.amd_crl",
                "AMD's CRL for Milan could not be obtained", "fail-closed");
        org.assertj.core.api.Assertions.assertThat(VERIFIER.verify(report(), vcek(), MAR_2026).collateralWarnings())
                .containsExactly("revocation not checked: collateral.amd_crl for Milan could not be obtained (revocation policy: fail-open)");
    }

    @Test
    void anotherProductsCrlIsRefused() {
        assertRejected(() -> VERIFIER.verify(report(), vcek(), MAR_2026.collateral(crlSource(GENOA_CRL))), Reason.CHAIN, "collateral.amd_crl",
                "CN=ARK-Genoa", "not by", "CN=ARK-Milan");
    }

    @Test
    void aCrlWithOneFlippedByteOfItsSignatureIsRefused() {
        byte[] crl = TestVectors.bytes(MILAN_CRL);
        crl[crl.length - 10] ^= 1;
        assertRejected(() -> VERIFIER.verify(report(), vcek(), MAR_2026.collateral(source(crl))), Reason.SIGNATURE, "collateral.amd_crl",
                "is not signed by", "ARK-Milan");
    }

    @Test
    void aCrlPastItsNextUpdateIsUsedOnlyWithinTheGraceAndSaysSo() throws Exception {
        VerificationContext june = VerificationContext.at(Instant.parse("2026-05-13T00:00:00Z")).collateral(crlSource(MILAN_CRL));

        SnpAttestation inGrace = VERIFIER.verify(report(), vcek(), june.collateralGrace(java.time.Duration.ofDays(3)));

        org.assertj.core.api.Assertions.assertThat(inGrace.collateralWarnings()).singleElement().asString()
                .contains("stale collateral used within the grace period: collateral.amd_crl", "2026-05-12T00:00:00Z");
        assertRejected(() -> VERIFIER.verify(report(), vcek(), june), Reason.EXPIRED, "collateral.amd_crl", "is not current at 2026-05-13");
    }

    @Test
    void anAskListedInTheArksCrlIsRefused() throws Exception {
        TestAmd amd = new TestAmd();
        byte[] vcek = amd.vcek(RejectionSupport.ec("secp384r1"), null, null);
        byte[] crl = RejectionSupport.crl(amd.ark, amd.arkKey.getPrivate(), amd.from, amd.to, amd.ask.getSerialNumber()).getEncoded();

        assertRejected(() -> amd.verifier().verify(report(), vcek, MAR_2026.collateral(source(crl))), Reason.CHAIN, "ASK",
                "is revoked by AMD (serial " + amd.ask.getSerialNumber().toString(16) + ")");
    }

    @Test
    void bytesThatAreNotACrlAreRefused() {
        assertRejected(() -> VERIFIER.verify(report(), vcek(), MAR_2026.collateral(source(new byte[] {0x30, 0x00}))), Reason.MALFORMED,
                "collateral.amd_crl", "not a DER X.509 CRL");
    }

    private static CollateralSource crlSource(String vector) {
        return source(TestVectors.bytes(vector));
    }

    /** A collateral source that has AMD's CRL for every product (these bytes) and nothing else. */
    private static CollateralSource source(byte[] crl) {
        return new CollateralSource() {
            @Override
            public Optional<DcapCollateral> intel(String fmspc, boolean tdx, String pckCa, Instant now) {
                return Optional.empty();
            }

            @Override
            public Optional<byte[]> amdVcek(SnpReport report, Instant now) {
                return Optional.empty();
            }

            @Override
            public Optional<byte[]> amdCrl(AmdProduct product, Instant now) {
                return Optional.of(crl);
            }
        };
    }

    // ---- helpers ----

    private static byte[] report() {
        return TestVectors.bytes("sev-snp/msft-tav-milan-aci-report.bin");
    }

    private static byte[] vcek() {
        return TestVectors.bytes("sev-snp/msft-tav-milan-vcek.pem");
    }

    private static SnpVerifier.AmdCertificates amd(AmdProduct product, String pem) throws Exception {
        return SnpVerifier.certificates(product, CertificateChains.parseAll("amd", TestVectors.bytes(pem)));
    }

    /** A minted ARK-Milan and SEV-Milan, issuing VCEKs with the real Milan VCEK's extensions but one. */
    private static final class TestAmd {
        final KeyPair arkKey = RejectionSupport.ec("secp384r1");
        final KeyPair askKey = RejectionSupport.ec("secp384r1");
        final Instant from = Instant.parse("2026-01-01T00:00:00Z");
        final Instant to = Instant.parse("2027-01-01T00:00:00Z");
        final X509Certificate ark = RejectionSupport.ca("CN=ARK-Milan", arkKey.getPublic(), "CN=ARK-Milan", arkKey.getPrivate(), from, to);
        final X509Certificate ask = RejectionSupport.ca("CN=SEV-Milan", askKey.getPublic(), "CN=ARK-Milan", arkKey.getPrivate(), from, to);

        SnpVerifier verifier() {
            return new SnpVerifier(Map.of(AmdProduct.MILAN, new SnpVerifier.AmdCertificates(ark, ask, null)));
        }

        /** @param replaced the extension to leave out, or to give {@code value} instead when it is not null */
        byte[] vcek(KeyPair key, String replaced, byte[] value) throws Exception {
            X509Certificate real = CertificateChains.parseAll("vcek", SnpRejectionsTest.vcek()).getFirst();
            List<Ext> exts = new ArrayList<>();
            for (String arc : List.of("2", "3.1", "3.2", "3.3", "3.8", "4")) {
                String oid = OID + arc;
                if (!oid.equals(replaced)) {
                    exts.add(RejectionSupport.ext(oid, Der.extension(real, oid)));
                } else if (value != null) {
                    exts.add(RejectionSupport.ext(oid, value));
                }
            }
            return RejectionSupport.leaf("CN=SEV-VCEK", key.getPublic(), "CN=SEV-Milan", askKey.getPrivate(), from, to, exts.toArray(Ext[]::new))
                    .getEncoded();
        }
    }
}
