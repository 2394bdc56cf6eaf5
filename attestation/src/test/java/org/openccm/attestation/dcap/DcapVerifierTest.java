// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Real DCAP quotes with Intel's real collateral (see vectors/SOURCES.md §3-4), verified at each sample's clock to the
 * TCB status dcap-qvl reports; and the rejections: a flipped quote byte, a changed TCB info, a stale clock, a debug
 * enclave, and a platform whose TCB no level supports.
 */
public class DcapVerifierTest {
    private static final HexFormat HEX = HexFormat.of();
    private final DcapVerifier verifier = DcapVerifier.withIntelRoot();

    @Test
    void sgxQuoteWithItsCollateral() throws Exception {
        DcapAttestation a = verifier.verify(TestVectors.bytes("sgx-dcap/phala-sgx-v3-quote.bin"), phalaSgx(), at("2025-07-01T00:00:00Z"));

        assertThat(HEX.formatHex(a.enclave().mrEnclave())).isEqualTo("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");
        assertThat(HEX.formatHex(a.enclave().mrSigner())).isEqualTo("815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6");
        assertThat(a.enclave().isvProdId()).isZero();
        assertThat(new String(a.enclave().reportData(), StandardCharsets.US_ASCII)).startsWith("Hello, world!");
        assertThat(a.fmspc()).isEqualTo("00a067110000");
        assertThat(a.tcbStatus()).isEqualTo("ConfigurationAndSWHardeningNeeded");
        assertThat(a.advisoryIds()).containsExactlyInAnyOrder("INTEL-SA-00289", "INTEL-SA-00615");
        assertThat(a.qeTcbStatus()).isEqualTo("UpToDate");
    }

    @Test
    void tdxQuoteWithItsCollateral() throws Exception {
        DcapAttestation a = verifier.verify(TestVectors.bytes("tdx/phala-tdx-v4-quote.bin"),
                collateral("tdx/phala-tdx-v4-collateral.json"), at("2025-07-01T00:00:00Z"));

        assertThat(HEX.formatHex(a.td().mrTd())).isEqualTo(
                "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7");
        assertThat(HEX.formatHex(a.td().rtmr0())).startsWith("44c0197b39157fdd");
        assertThat(a.fmspc()).isEqualTo("b0c06f000000");
        assertThat(a.tcbStatus()).isEqualTo("UpToDate");
        assertThat(a.advisoryIds()).isEmpty();
        assertThat(a.tdxModuleTcbStatus()).isEqualTo("UpToDate");
    }

    @Test
    void aPlatformNoTcbLevelSupportsIsRefused() throws Exception {
        assertThatThrownBy(() -> verifier.verify(TestVectors.bytes("tdx/phala-tdx-v5-quote-tcb-not-supported.bin"),
                        collateral("tdx/phala-tdx-v5-collateral-2026-02.json"), at("2026-03-01T00:00:00Z")))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.TCB));
    }

    @Test
    void aFlippedReportByteBreaksTheQuoteSignature() throws Exception {
        byte[] quote = TestVectors.bytes("sgx-dcap/phala-sgx-v3-quote.bin");
        quote[48 + 64] ^= 1; // MRENCLAVE
        assertThatThrownBy(() -> verifier.verify(quote, phalaSgx(), at("2025-07-01T00:00:00Z")))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.SIGNATURE);
                    assertThat(e.field()).isEqualTo("quote.signature");
                });
    }

    @Test
    void aChangedTcbInfoNoLongerVerifies() throws Exception {
        ObjectNode c = (ObjectNode) JsonMapper.builder().build().readTree(TestVectors.bytes("sgx-dcap/phala-sgx-v3-collateral.json"));
        c.put("tcb_info", c.path("tcb_info").asString().replace("\"tcbStatus\":\"OutOfDate\"", "\"tcbStatus\":\"UpToDate\""));
        DcapCollateral forged = DcapCollateral.parse(c.toString().getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> verifier.verify(TestVectors.bytes("sgx-dcap/phala-sgx-v3-quote.bin"), forged, at("2025-07-01T00:00:00Z")))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("collateral.tcb_info_signature"));
    }

    @Test
    void staleCollateralIsRefused() throws Exception {
        assertThatThrownBy(() -> verifier.verify(TestVectors.bytes("sgx-dcap/phala-sgx-v3-quote.bin"), phalaSgx(), at("2025-09-01T00:00:00Z")))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
    }

    @Test
    void aDebugEnclaveIsRefusedUnlessAllowedAndThenOutOfDate() throws Exception {
        byte[] quote = TestVectors.bytes("sgx-dcap/occlum-sgx-v3-quote.bin");
        DcapCollateral c = pcsCollateral("sgx-dcap/collateral-00606a000000-2025-02/", "tcbinfo-sgx-v2-00606a000000.json",
                "qe-identity-sgx-qe.json", "pck-platform-ca-crl.der");
        VerificationContext march = at("2025-03-01T00:00:00Z");

        assertThatThrownBy(() -> verifier.verify(quote, c, march))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.DEBUG));
        DcapAttestation a = verifier.verify(quote, c, march.allowingDebug());
        assertThat(a.tcbStatus()).isEqualTo("OutOfDate");
        assertThat(a.qeTcbStatus()).isEqualTo("UpToDate");
    }

    @Test
    void aTdxModuleNotSignedByIntelIsRefused() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        TdReport td = DcapQuote.parse(TestVectors.bytes("tdx/phala-tdx-v4-quote.bin")).tdReport();
        ObjectNode tcbInfo = (ObjectNode) json.readTree(json.readTree(TestVectors.bytes("tdx/phala-tdx-v4-collateral.json")).path("tcb_info").asString());

        DcapVerifier.checkTdxModule(tcbInfo, td); // the real module is Intel's

        for (var module : tcbInfo.path("tdxModuleIdentities")) {
            ((ObjectNode) module).put("mrsigner", "11".repeat(48));
        }
        assertThatThrownBy(() -> DcapVerifier.checkTdxModule(tcbInfo, td))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.field()).isEqualTo("quote.td_report.mrsignerseam"));
    }

    private static VerificationContext at(String instant) {
        return VerificationContext.at(Instant.parse(instant));
    }

    private static DcapCollateral phalaSgx() throws Exception {
        return collateral("sgx-dcap/phala-sgx-v3-collateral.json");
    }

    private static DcapCollateral collateral(String path) throws Exception {
        return DcapCollateral.parse(TestVectors.bytes(path));
    }

    /** Intel PCS response bodies turned into the collateral JSON, slicing the signed text out unchanged. */
    public static DcapCollateral pcsCollateral(String dir, String tcbInfo, String qeIdentity, String pckCrl) throws Exception {
        String chain = TestVectors.text(dir + "tcb-signing-chain-2018.pem");
        ObjectNode c = JsonMapper.builder().build().createObjectNode();
        String tcbBody = TestVectors.text(dir + tcbInfo).trim();
        String qeBody = TestVectors.text(dir + qeIdentity).trim();
        c.put("tcb_info", signedPart(tcbBody, "tcbInfo"));
        c.put("tcb_info_signature", signature(tcbBody));
        c.put("tcb_info_issuer_chain", chain);
        c.put("qe_identity", signedPart(qeBody, "enclaveIdentity"));
        c.put("qe_identity_signature", signature(qeBody));
        c.put("qe_identity_issuer_chain", chain);
        c.put("pck_crl", HEX.formatHex(TestVectors.bytes(dir + pckCrl)));
        c.put("root_ca_crl", HEX.formatHex(TestVectors.bytes(dir + "intel-root-ca-crl.der")));
        return DcapCollateral.parse(c.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String signedPart(String body, String key) {
        int start = body.indexOf('{', body.indexOf("\"" + key + "\""));
        int end = body.lastIndexOf(",\"signature\"");
        return body.substring(start, end);
    }

    private static String signature(String body) {
        return JsonMapper.builder().build().readTree(body).path("signature").asString();
    }
}
