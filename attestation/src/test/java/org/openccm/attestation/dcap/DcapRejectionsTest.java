// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openccm.attestation.RejectionSupport.assertRejected;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.RejectionSupport;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.sgx.SgxVerifier;
import org.openccm.attestation.tdx.TdxVerifier;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.attestation.x509.Der;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each refusal of the DCAP quote parser, collateral parser and verifier (and of the SGX and TDX verifiers on top)
 * that the sample tests do not reach. Most use the real Phala SGX and TDX quotes with Intel's real collateral
 * (SOURCES.md §3-4), cut or combined: a quote's unsigned parts, genuine collateral of another platform, a clock
 * between two documents' windows. The checks of the quoting enclave's identity and of revocation sit behind Intel's
 * signatures: for them the real SGX quote and collateral are re-signed under a minted root, one value changed.
 */
class DcapRejectionsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HexFormat HEX = HexFormat.of();
    private static final DcapVerifier VERIFIER = DcapVerifier.withIntelRoot();
    private static final VerificationContext JULY_2025 = VerificationContext.at(Instant.parse("2025-07-01T00:00:00Z"));
    private static final String SGX_QUOTE = "sgx-dcap/phala-sgx-v3-quote.bin";
    private static final String SGX_COLLATERAL = "sgx-dcap/phala-sgx-v3-collateral.json";
    private static final String TDX_QUOTE = "tdx/phala-tdx-v4-quote.bin";
    private static final String TDX_COLLATERAL = "tdx/phala-tdx-v4-collateral.json";
    // v3 SGX quote layout: header 48, report body 384, signature data length at 432, then signature, key, QE report...
    private static final int AUTH_LENGTH = 48 + 384 + 4 + 64 + 64 + 384 + 64;

    // ---- the quote's layout ----

    @Test
    void aQuoteVersionOtherThan3To5IsRefused() {
        byte[] q = bytes(SGX_QUOTE);
        q[0] = 2;
        assertRejected(() -> DcapQuote.parse(q), Reason.MALFORMED, "quote", "quote version 2 is not 3, 4 or 5");
    }

    @Test
    void anAttestationKeyTypeOtherThanP256IsRefused() {
        byte[] q = bytes(SGX_QUOTE);
        q[2] = 3;
        assertRejected(() -> DcapQuote.parse(q), Reason.MALFORMED, "quote", "attestation key type 3 is not ECDSA-256-with-P-256 (2)");
    }

    @Test
    void aTeeTypeNeitherSgxNorTdxIsRefused() {
        byte[] q = bytes(TDX_QUOTE);
        q[4] = 0x01;
        assertRejected(() -> DcapQuote.parse(q), Reason.MALFORMED, "quote", "TEE type 0x1 is neither SGX nor TDX");
    }

    @Test
    void aV5BodyTypeThatDoesNotFitTheTeeIsRefused() {
        byte[] q = bytes("tdx/gotdxguest-tdx-v5-quote.bin");
        q[48] = 1; // SGX report body type in a TDX quote
        assertRejected(() -> DcapQuote.parse(q), Reason.MALFORMED, "quote", "body type 1 of 648 bytes does not fit a TDX quote");
    }

    @Test
    void aTruncatedQuoteIsRefused() {
        byte[] q = Arrays.copyOf(bytes(SGX_QUOTE), 1000);
        assertRejected(() -> DcapQuote.parse(q), Reason.MALFORMED, "quote", "truncated at byte 436");
    }

    @Test
    void aV4CertificationDataOtherThanTheQeReportIsRefused() {
        byte[] q = bytes(TDX_QUOTE);
        q[48 + 584 + 4 + 128] = 5; // outer certification data type: 6 -> 5
        assertRejected(() -> DcapQuote.parse(q), Reason.MALFORMED, "quote", "certification data type 5 is not the QE report certification data (6)");
    }

    @Test
    void reportBodiesOfAnotherSizeAreRefused() {
        assertRejected(() -> EnclaveReport.parse(new byte[383]), Reason.MALFORMED, "report", "an SGX report body is 384 bytes, not 383");
        assertRejected(() -> TdReport.parse(new byte[600]), Reason.MALFORMED, "report", "a TD report body is 584 or 648 bytes, not 600");
    }

    // ---- the quote's signature data: the PCK chain and the QE's binding ----

    @Test
    void certificationDataOfAnotherKindIsRefused() {
        byte[] q = bytes(SGX_QUOTE);
        q[MintedIntel.certTypeOffset(q)] = 1; // PCK certificate chain (5) -> PPID in the clear (1)
        assertRejected(() -> VERIFIER.verify(q, collateral(SGX_COLLATERAL), JULY_2025), Reason.CHAIN, "quote.certification_data",
                "type 1 neither carries the PCK certificate chain (5) nor names the platform by an encrypted PPID (2, 3)");
    }

    @Test
    void anEncryptedPpidOfTheWrongLengthIsRefused() {
        byte[] q = bytes(SGX_QUOTE);
        q[MintedIntel.certTypeOffset(q)] = 3; // the PEM chain read as an RSA-3072 encrypted PPID
        assertRejected(() -> VERIFIER.verify(q, collateral(SGX_COLLATERAL), JULY_2025), Reason.MALFORMED, "quote.certification_data",
                "type 3 must be 404 bytes (encrypted PPID, CPUSVN, PCESVN, PCE ID)");
    }

    @Test
    void aQuoteNamingItsPlatformByEncryptedPpidVerifiesWithThePckCertificateFromTheSource() throws Exception {
        byte[] q = MintedIntel.withEncryptedPpid(bytes(SGX_QUOTE));
        byte[] chain = DcapQuote.parse(bytes(SGX_QUOTE)).certificationData();
        java.util.List<PckRequest> asked = new java.util.ArrayList<>();
        org.openccm.attestation.CollateralSource pcs = new org.openccm.attestation.CollateralSource() {
            @Override
            public java.util.Optional<DcapCollateral> intel(String fmspc, boolean tdx, String pckCa, Instant now) {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<byte[]> amdVcek(org.openccm.attestation.snp.SnpReport report, Instant now) {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<byte[]> intelPckCertificate(PckRequest request, Instant now) {
                asked.add(request);
                return java.util.Optional.of(chain);
            }
        };

        DcapAttestation a = VERIFIER.verify(q, collateral(SGX_COLLATERAL), JULY_2025.collateral(pcs));

        assertThat(a.fmspc()).isEqualToIgnoringCase("00a067110000");
        assertThat(asked).singleElement().satisfies(r -> {
            assertThat(r.encryptedPpid()).isEqualTo("ab".repeat(384));
            assertThat(r.cpuSvn()).isEqualTo("0102030405060708090a0b0c0d0e0f10");
            assertThat(r.pceSvn()).isEqualTo("0d00");
            assertThat(r.pceId()).isEqualTo("0000");
        });
        assertRejected(() -> VERIFIER.verify(q, collateral(SGX_COLLATERAL), JULY_2025), Reason.CHAIN, "quote.certification_data",
                "Intel's PCK certificate for it cannot be had");
    }

    @Test
    void aPckChainWithoutItsRootIsRefused() {
        byte[] q = bytes(SGX_QUOTE);
        String pem = new String(q, MintedIntel.certTypeOffset(q) + 6, q.length - MintedIntel.certTypeOffset(q) - 6, StandardCharsets.ISO_8859_1);
        int root = pem.lastIndexOf("-----BEGIN CERTIFICATE-----");
        int end = pem.lastIndexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length();
        byte[] blank = " ".repeat(end - root).getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(blank, 0, q, MintedIntel.certTypeOffset(q) + 6 + root, blank.length);

        assertRejected(() -> VERIFIER.verify(q, collateral(SGX_COLLATERAL), JULY_2025), Reason.CHAIN, "PCK",
                "the chain has 2 certificates, not PCK, CA and root");
    }

    @Test
    void qeAuthDataTheQeDidNotCertifyIsRefused() {
        byte[] q = bytes(SGX_QUOTE);
        q[AUTH_LENGTH + 2] ^= 1; // the QE authentication data, outside the signed QE report
        assertRejected(() -> VERIFIER.verify(q, collateral(SGX_COLLATERAL), JULY_2025), Reason.BINDING, "quote.qe_report.report_data",
                "does not bind the attestation key");
    }

    @Test
    void aQuoteWithoutCollateralIsRefused() {
        assertRejected(() -> VERIFIER.verify(bytes(SGX_QUOTE), (DcapCollateral) null, JULY_2025), Reason.MALFORMED, "collateral",
                "required: Intel's TCB info, QE identity and CRLs");
    }

    // ---- collateral: genuine documents of another platform, or out of their window ----

    @Test
    void tcbInfoOfTdxForAnSgxQuoteIsRefused() {
        DcapCollateral c = combined(SGX_COLLATERAL, TDX_COLLATERAL, "tcb_info", "tcb_info_signature", "tcb_info_issuer_chain");
        assertRejected(() -> VERIFIER.verify(bytes(SGX_QUOTE), c, JULY_2025), Reason.MEASUREMENT, "collateral.tcb_info.id", "is TDX for a SGX quote");
    }

    @Test
    void tcbInfoOfAnotherFmspcIsRefused() {
        DcapCollateral c = collateral("tdx/phala-tdx-v5-collateral-2026-02.json"); // FMSPC 90C06F000000; the quote's is B0C06F000000
        assertRejected(() -> VERIFIER.verify(bytes(TDX_QUOTE), c, VerificationContext.at(Instant.parse("2026-03-01T00:00:00Z"))),
                Reason.BINDING, "collateral.tcb_info.fmspc", "is for FMSPC 90C06F000000, the PCK's platform is b0c06f000000");
    }

    @Test
    void aTdQeIdentityForAnSgxQuoteIsRefused() {
        DcapCollateral c = combined(SGX_COLLATERAL, TDX_COLLATERAL, "qe_identity", "qe_identity_signature", "qe_identity_issuer_chain");
        assertRejected(() -> VERIFIER.verify(bytes(SGX_QUOTE), c, JULY_2025), Reason.MEASUREMENT, "collateral.qe_identity.id", "is TD_QE, not QE");
    }

    @Test
    void aPckCrlOfAnotherCaIsRefused() {
        DcapCollateral c = combined(SGX_COLLATERAL, TDX_COLLATERAL, "pck_crl"); // Platform CA's CRL; the PCK is the Processor CA's
        assertRejected(() -> VERIFIER.verify(bytes(SGX_QUOTE), c, JULY_2025), Reason.CHAIN, "collateral.pck_crl",
                "not by the PCK's CA", "Intel SGX PCK Processor CA");
    }

    @Test
    void aRootCaCrlNotSignedByTheRootIsRefused() {
        ObjectNode c = json(SGX_COLLATERAL);
        c.put("root_ca_crl", c.path("pck_crl").asString());
        assertRejected(() -> VERIFIER.verify(bytes(SGX_QUOTE), parse(c), JULY_2025), Reason.SIGNATURE, "collateral.root_ca_crl",
                "is not signed by", "Intel SGX Root CA");
    }

    @Test
    void tcbInfoBeforeItsIssueDateIsRefused() {
        // The PCK CRL is current from 10:23:18, the TCB info only from 10:56:11.
        assertRejected(() -> VERIFIER.verify(bytes(SGX_QUOTE), collateral(SGX_COLLATERAL), VerificationContext.at(Instant.parse("2025-06-19T10:30:00Z"))),
                Reason.EXPIRED, "collateral.tcb_info", "is valid from 2025-06-19T10:56:11Z");
    }

    @Test
    void aQeIdentityPastItsNextUpdateIsRefused() {
        // The QE identity expires at 10:01:18, the PCK CRL at 10:23:18 and the TCB info at 10:56:11.
        assertRejected(() -> VERIFIER.verify(bytes(SGX_QUOTE), collateral(SGX_COLLATERAL), VerificationContext.at(Instant.parse("2025-07-19T10:10:00Z"))),
                Reason.EXPIRED, "collateral.qe_identity", "to 2025-07-19T10:01:18Z");
    }

    @Test
    void aTdxModuleWithOtherAttributesIsRefused() throws Exception {
        TdReport td = DcapQuote.parse(bytes(TDX_QUOTE)).tdReport();
        ObjectNode tcbInfo = (ObjectNode) JSON.readTree(collateral(TDX_COLLATERAL).tcbInfo());
        DcapVerifier.checkTdxModule(tcbInfo, td);
        for (var module : tcbInfo.path("tdxModuleIdentities")) {
            ((ObjectNode) module).put("attributes", "0000000000000001");
        }

        assertRejected(() -> DcapVerifier.checkTdxModule(tcbInfo, td), Reason.MEASUREMENT, "quote.td_report.seamattributes",
                "the TDX module TDX_01 runs with unexpected attributes");
    }

    // ---- the collateral document ----

    @Test
    void collateralThatIsNotJsonIsRefused() {
        assertRejected(() -> DcapCollateral.parse("{\"tcb_info\":".getBytes(StandardCharsets.UTF_8)), Reason.MALFORMED, "collateral", "not JSON");
    }

    @Test
    void aMissingCollateralFieldIsRefused() {
        ObjectNode c = json(SGX_COLLATERAL);
        c.remove("qe_identity");
        assertRejected(() -> parse(c), Reason.MALFORMED, "collateral.qe_identity", "required");
    }

    @Test
    void aSignatureThatIsNotHexIsRefused() {
        ObjectNode c = json(SGX_COLLATERAL);
        c.put("tcb_info_signature", "zz");
        assertRejected(() -> parse(c), Reason.MALFORMED, "collateral.tcb_info_signature", "not hex");
    }

    @Test
    void aCrlThatIsNotDerIsRefused() {
        ObjectNode c = json(SGX_COLLATERAL);
        c.put("root_ca_crl", "3000");
        assertRejected(() -> parse(c), Reason.MALFORMED, "collateral.root_ca_crl", "not a DER X.509 CRL");
    }

    // ---- the PCK certificate's SGX extension ----

    @Test
    void aPckWithoutTheSgxExtensionIsRefused() {
        assertRejected(() -> PckExtension.of(DcapVerifier.intelRoot()), Reason.CHAIN, "PCK", "has no SGX extension (1.2.840.113741.1.13.1)");
    }

    @Test
    void anSgxExtensionWithoutFmspcIsRefused() {
        X509Certificate pck = withSgxExtension(HEX.parseHex("3000")); // an empty SEQUENCE
        assertRejected(() -> PckExtension.of(pck), Reason.CHAIN, "PCK", "its SGX extension lacks the FMSPC, PCE-ID or TCB");
    }

    @Test
    void anUnreadableSgxExtensionIsRefused() {
        X509Certificate pck = withSgxExtension(HEX.parseHex("300430020500")); // SEQUENCE { SEQUENCE { NULL } }: no OID
        assertRejected(() -> PckExtension.of(pck), Reason.CHAIN, "PCK", "unreadable SGX extension: expected an OBJECT IDENTIFIER");
    }

    // ---- the SGX and TDX verifiers on top ----

    @Test
    void aTcbStatusThePolicyDoesNotAcceptIsRefused() {
        SgxVerifier sgx = new SgxVerifier(VERIFIER, TcbPolicy.DEFAULT);
        assertRejected(() -> sgx.verify(new Evidence(bytes(SGX_QUOTE), null, bytes(SGX_COLLATERAL)), JULY_2025), Reason.TCB, "tcb_status",
                "ConfigurationAndSWHardeningNeeded (INTEL-SA-00289, INTEL-SA-00615) is not an accepted TCB status", TcbPolicy.SETTING);
    }

    @Test
    void aTdxQuoteIsNotSgxEvidenceAndAnSgxQuoteNotTdxEvidence() {
        SgxVerifier sgx = new SgxVerifier(VERIFIER, TcbPolicy.DEFAULT);
        TdxVerifier tdx = new TdxVerifier(VERIFIER, TcbPolicy.DEFAULT);
        assertRejected(() -> sgx.verify(new Evidence(bytes(TDX_QUOTE), null, bytes(TDX_COLLATERAL)), JULY_2025), Reason.MALFORMED, "evidence",
                "the quote is a TDX quote, not SGX");
        assertRejected(() -> tdx.verify(new Evidence(bytes(SGX_QUOTE), null, bytes(SGX_COLLATERAL)), JULY_2025), Reason.MALFORMED, "evidence",
                "the quote is an SGX quote, not TDX");
    }

    // ---- behind Intel's signatures: the real quote and collateral re-signed under a minted root ----

    @Test
    void theResignedSampleVerifiesUnderTheTestRoot() throws Exception {
        MintedIntel intel = new MintedIntel(RejectionSupport.ec("secp256r1"));
        DcapAttestation a = intel.verifier().verify(intel.quote(), intel.collateral(UnaryOperator.identity(), UnaryOperator.identity()), JULY_2025);
        assertThat(a.tcbStatus()).isEqualTo("ConfigurationAndSWHardeningNeeded");
        assertThat(a.qeTcbStatus()).isEqualTo("UpToDate");
    }

    @Test
    void aQuotingEnclaveOfAnotherSignerIsRefused() throws Exception {
        MintedIntel intel = new MintedIntel(RejectionSupport.ec("secp256r1"));
        DcapCollateral c = intel.collateral(UnaryOperator.identity(), qe -> qe.put("mrsigner", "00".repeat(32)));
        assertRejected(() -> intel.verifier().verify(intel.quote(), c, JULY_2025), Reason.MEASUREMENT, "quote.qe_report",
                "the quoting enclave is not Intel's (MRSIGNER or ISVPRODID)");
    }

    @Test
    void aQuotingEnclaveWithOtherMiscselectIsRefused() throws Exception {
        MintedIntel intel = new MintedIntel(RejectionSupport.ec("secp256r1"));
        DcapCollateral c = intel.collateral(UnaryOperator.identity(), qe -> qe.put("miscselect", "00000001"));
        assertRejected(() -> intel.verifier().verify(intel.quote(), c, JULY_2025), Reason.MEASUREMENT, "quote.qe_report",
                "the quoting enclave's MISCSELECT or ATTRIBUTES do not match its identity");
    }

    @Test
    void aQuotingEnclaveBelowEveryLevelIsRefused() throws Exception {
        MintedIntel intel = new MintedIntel(RejectionSupport.ec("secp256r1"));
        DcapCollateral c = intel.collateral(UnaryOperator.identity(), qe -> {
            qe.path("tcbLevels").forEach(level -> ((ObjectNode) level.path("tcb")).put("isvsvn", 99));
            return qe;
        });
        assertRejected(() -> intel.verifier().verify(intel.quote(), c, JULY_2025), Reason.TCB, "quote.qe_report.isvsvn",
                "the quoting enclave's ISVSVN 10 meets no level");
    }

    @Test
    void aRevokedPckIsRefused() throws Exception {
        MintedIntel intel = new MintedIntel(RejectionSupport.ec("secp256r1"));
        intel.revokedPcks = new BigInteger[] {intel.pck.getSerialNumber()};
        DcapCollateral c = intel.collateral(UnaryOperator.identity(), UnaryOperator.identity());
        assertRejected(() -> intel.verifier().verify(intel.quote(), c, JULY_2025), Reason.CHAIN, "PCK",
                "is revoked (serial " + intel.pck.getSerialNumber().toString(16) + ")");
    }

    @Test
    void aRevokedPckCaIsRefused() throws Exception {
        MintedIntel intel = new MintedIntel(RejectionSupport.ec("secp256r1"));
        intel.revokedCas = new BigInteger[] {intel.pckCa.getSerialNumber()};
        DcapCollateral c = intel.collateral(UnaryOperator.identity(), UnaryOperator.identity());
        assertRejected(() -> intel.verifier().verify(intel.quote(), c, JULY_2025), Reason.CHAIN, "PCK CA", "is revoked");
    }

    @Test
    void tcbInfoWithoutAReadableIssueDateIsRefused() throws Exception {
        MintedIntel intel = new MintedIntel(RejectionSupport.ec("secp256r1"));
        DcapCollateral c = intel.collateral(tcb -> tcb.put("issueDate", "19 June 2025"), UnaryOperator.identity());
        assertRejected(() -> intel.verifier().verify(intel.quote(), c, JULY_2025), Reason.MALFORMED, "collateral.tcb_info",
                "has no readable issueDate/nextUpdate");
    }

    @Test
    void aPckWhoseKeyIsNotEcIsRefused() throws Exception {
        MintedIntel intel = new MintedIntel(RejectionSupport.rsa());
        DcapCollateral c = intel.collateral(UnaryOperator.identity(), UnaryOperator.identity());
        assertRejected(() -> intel.verifier().verify(intel.quote(), c, JULY_2025), Reason.SIGNATURE, "quote.qe_report_signature",
                "the quoting enclave's report is not signed by the PCK (");
    }

    // ---- helpers ----

    private static byte[] bytes(String vector) {
        return TestVectors.bytes(vector);
    }

    private static ObjectNode json(String vector) {
        return (ObjectNode) JSON.readTree(bytes(vector));
    }

    private static DcapCollateral parse(ObjectNode c) throws Exception {
        return DcapCollateral.parse(c.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static DcapCollateral collateral(String vector) {
        try {
            return DcapCollateral.parse(bytes(vector));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The collateral of {@code base} with {@code fields} taken from {@code other}: genuine documents, combined. */
    private static DcapCollateral combined(String base, String other, String... fields) {
        ObjectNode c = json(base);
        ObjectNode o = json(other);
        for (String f : fields) {
            c.set(f, o.get(f));
        }
        try {
            return parse(c);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate withSgxExtension(byte[] value) {
        KeyPair key = RejectionSupport.ec("secp256r1");
        return RejectionSupport.leaf("CN=Intel SGX PCK Certificate", key.getPublic(), "CN=Test", key.getPrivate(),
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00Z"), RejectionSupport.ext(PckExtension.OID, value));
    }

}
