// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.azurecvm;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceVerifier;
import org.openccm.attestation.Hex;
import org.openccm.attestation.Measurement;
import org.openccm.attestation.Platform;
import org.openccm.attestation.VerifiedEvidence;
import org.openccm.attestation.dcap.TcbPolicy;
import org.openccm.attestation.tdx.TdxVerifier;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.dcap.DcapAttestation;
import org.openccm.attestation.dcap.DcapCollateral;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.snp.SnpAttestation;
import org.openccm.attestation.snp.SnpVerifier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies Azure confidential-VM evidence as the CoCo attestation agent sends it (trustee's az-snp-vtpm /
 * az-tdx-vtpm JSON, v0 to v2): the vTPM quote (TPMS_ATTEST) signed by the HCL attestation key, its PCR digest
 * equal to the SHA-256 of the PCR values sent, and that key vouched for by hardware: the HCL report's variable data
 * (holding the key) hashes to the REPORT_DATA of a genuine SEV-SNP report at VMPL0, or of a genuine TDX quote.
 */
public final class AzureCvmVerifier implements EvidenceVerifier {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int TPM_GENERATED = 0xFF544347;
    private static final int TPM_ST_ATTEST_QUOTE = 0x8018;
    private static final int TPM_ALG_SHA256 = 0x000B;
    private final SnpVerifier snp;
    private final DcapVerifier dcap;
    private final TcbPolicy tcbPolicy;

    public AzureCvmVerifier(SnpVerifier snp, DcapVerifier dcap, TcbPolicy tcbPolicy) {
        this.snp = snp;
        this.dcap = dcap;
        this.tcbPolicy = tcbPolicy;
    }

    public AzureCvmVerifier(SnpVerifier snp, DcapVerifier dcap) {
        this(snp, dcap, TcbPolicy.DEFAULT);
    }

    @Override
    public Platform platform() {
        return Platform.AZURE_CVM;
    }

    /** A TDX-backed VM's platform must be at an accepted TCB status like any DCAP quote's. */
    @Override
    public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceRejected {
        DcapCollateral collateral = evidence.collateral() == null ? null : DcapCollateral.parse(evidence.collateral());
        AzureCvmAttestation a = verifyVm(evidence.document(), evidence.signingCertificate(), collateral, context);
        Measurement hardware;
        if (a.tdx() != null) {
            tcbPolicy.check(a.tdx());
            hardware = TdxVerifier.measurement(a.tdx());
        } else {
            hardware = SnpVerifier.measurement(a.snp());
        }
        boolean bound = context.checkBinding(a.nonce(), "the vTPM quote's nonce");
        return new VerifiedEvidence(new Measurement.AzureCvm(a.pcrs(), Hex.of(a.nonce()), hardware), bound,
                a.tdx() != null ? a.tdx().collateralWarnings() : a.snp() != null ? a.snp().collateralWarnings() : java.util.List.of());
    }

    /**
     * @param signingCertificate the VCEK when the evidence does not carry it (SNP)
     * @param collateral Intel's collateral for the TD quote (TDX); null for SNP
     */
    public AzureCvmAttestation verifyVm(byte[] document, byte[] signingCertificate, DcapCollateral collateral, VerificationContext context)
            throws EvidenceRejected {
        JsonNode e;
        try {
            e = JSON.readTree(document);
        } catch (JacksonException ex) {
            throw new EvidenceRejected(Reason.MALFORMED, "evidence", "not the Azure CVM evidence JSON (tpm_quote, hcl_report, ...)");
        }
        boolean v0 = e.has("quote");
        JsonNode quote = v0 ? e.path("quote") : e.path("tpm_quote");
        byte[] message = bytes(quote.path("message"), "tpm_quote.message");
        byte[] signature = bytes(quote.path("signature"), "tpm_quote.signature");
        byte[][] pcrValues = new byte[quote.path("pcrs").size()][];
        for (int i = 0; i < pcrValues.length; i++) {
            pcrValues[i] = bytes(quote.path("pcrs").get(i), "tpm_quote.pcrs[" + i + "]");
        }
        byte[] hcl = v0 ? bytes(e.path("report"), "report") : base64url(e.path("hcl_report"), "hcl_report");

        // The HCL report: its variable data carries the attestation key, and hashes into the hardware report.
        if (hcl.length < 0x4D4 || !new String(hcl, 0, 4, StandardCharsets.US_ASCII).equals("HCLA")) {
            throw new EvidenceRejected(Reason.MALFORMED, "hcl_report", "not an HCL attestation report (HCLA)");
        }
        ByteBuffer le = ByteBuffer.wrap(hcl).order(ByteOrder.LITTLE_ENDIAN);
        int reportType = le.getInt(0x4C8);
        int varSize = le.getInt(0x4D0);
        if (varSize < 0 || 0x4D4 + varSize > hcl.length) {
            throw new EvidenceRejected(Reason.MALFORMED, "hcl_report", "variable data runs past the report");
        }
        byte[] varData = Arrays.copyOfRange(hcl, 0x4D4, 0x4D4 + varSize);
        byte[] varHash = sha256(varData);
        SnpAttestation snpAttestation = null;
        DcapAttestation tdxAttestation = null;
        byte[] reportData;
        if (reportType == 2) {
            byte[] vcek = signingCertificate != null ? signingCertificate : certificate(e);
            snpAttestation = snp.verify(Arrays.copyOfRange(hcl, 0x20, 0x20 + 1184), vcek, context);
            if (snpAttestation.report().vmpl() != 0) {
                throw new EvidenceRejected(Reason.BINDING, "hcl_report.vmpl", "the report comes from VMPL" + snpAttestation.report().vmpl() + ", not the HCL at VMPL0");
            }
            reportData = snpAttestation.report().reportData();
        } else if (reportType == 4) {
            byte[] tdQuote = base64url(e.path("td_quote"), "td_quote");
            tdxAttestation = collateral != null
                    ? dcap.verify(tdQuote, collateral, context)
                    : dcap.verify(tdQuote, (byte[]) null, context, "a TDX confidential VM's TD");
            if (tdxAttestation.td() == null) {
                throw new EvidenceRejected(Reason.MALFORMED, "td_quote", "is not a TDX quote");
            }
            reportData = tdxAttestation.td().reportData();
        } else {
            throw new EvidenceRejected(Reason.MALFORMED, "hcl_report.report_type", reportType + " is neither SNP (2) nor TDX (4)");
        }
        if (!Arrays.equals(Arrays.copyOf(reportData, 32), varHash)) {
            throw new EvidenceRejected(Reason.BINDING, "hcl_report.variable_data", "does not hash to the hardware report's REPORT_DATA");
        }

        // The vTPM quote, by the key the hardware vouched for.
        PublicKey ak = attestationKey(varData);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(ak);
            rsa.update(message);
            if (!rsa.verify(signature)) {
                throw new EvidenceRejected(Reason.SIGNATURE, "tpm_quote.signature", "does not verify with HCLAkPub");
            }
        } catch (GeneralSecurityException ex) {
            throw new EvidenceRejected(Reason.SIGNATURE, "tpm_quote.signature", "cannot be verified: " + ex.getMessage());
        }
        Attest attest = Attest.parse(message);
        MessageDigest sha = sha();
        SortedMap<Integer, String> pcrs = new TreeMap<>();
        for (int index : attest.selected()) {
            if (index >= pcrValues.length) {
                throw new EvidenceRejected(Reason.MALFORMED, "tpm_quote.pcrs", "PCR" + index + " is quoted but not sent");
            }
            sha.update(pcrValues[index]);
            pcrs.put(index, HexFormat.of().formatHex(pcrValues[index]));
        }
        if (!Arrays.equals(sha.digest(), attest.pcrDigest())) {
            throw new EvidenceRejected(Reason.BINDING, "tpm_quote.pcrs", "the PCR values sent are not the ones the quote's digest covers");
        }
        return new AzureCvmAttestation(pcrs, attest.extraData(), snpAttestation, tdxAttestation);
    }

    /** TPMS_ATTEST of a quote (TPM 2.0 Part 2, big-endian): the nonce and the SHA-256 bank's selection and digest. */
    record Attest(byte[] extraData, List<Integer> selected, byte[] pcrDigest) {
        static Attest parse(byte[] m) throws EvidenceRejected {
            try {
                ByteBuffer b = ByteBuffer.wrap(m);
                if (b.getInt() != TPM_GENERATED || (b.getShort() & 0xffff) != TPM_ST_ATTEST_QUOTE) {
                    throw new EvidenceRejected(Reason.MALFORMED, "tpm_quote.message", "not a TPM-generated quote (TPMS_ATTEST)");
                }
                int signerSize = b.getShort() & 0xffff;
                b.position(b.position() + signerSize); // qualifiedSigner
                byte[] extra = new byte[b.getShort() & 0xffff];
                b.get(extra);
                b.position(b.position() + 17 + 8); // clockInfo, firmwareVersion
                int banks = b.getInt();
                List<Integer> selected = new java.util.ArrayList<>();
                for (int i = 0; i < banks; i++) {
                    int alg = b.getShort() & 0xffff;
                    byte[] bitmap = new byte[b.get() & 0xff];
                    b.get(bitmap);
                    if (alg != TPM_ALG_SHA256) {
                        throw new EvidenceRejected(Reason.MALFORMED, "tpm_quote.message", "quotes a PCR bank other than SHA-256 (0x" + Integer.toHexString(alg) + ")");
                    }
                    for (int pcr = 0; pcr < bitmap.length * 8; pcr++) {
                        if ((bitmap[pcr / 8] & (1 << (pcr % 8))) != 0) {
                            selected.add(pcr);
                        }
                    }
                }
                byte[] digest = new byte[b.getShort() & 0xffff];
                b.get(digest);
                return new Attest(extra, selected, digest);
            } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
                throw new EvidenceRejected(Reason.MALFORMED, "tpm_quote.message", "truncated TPMS_ATTEST");
            }
        }
    }

    private static PublicKey attestationKey(byte[] varData) throws EvidenceRejected {
        try {
            for (JsonNode key : JSON.readTree(varData).path("keys")) {
                if (key.path("kid").asString("").equals("HCLAkPub") && key.path("kty").asString("").equals("RSA")) {
                    BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(key.path("n").asString()));
                    BigInteger exp = new BigInteger(1, Base64.getUrlDecoder().decode(key.path("e").asString()));
                    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, exp));
                }
            }
        } catch (JacksonException | IllegalArgumentException | GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.MALFORMED, "hcl_report.variable_data", "unreadable keys: " + e.getMessage());
        }
        throw new EvidenceRejected(Reason.MALFORMED, "hcl_report.variable_data", "has no HCLAkPub RSA key");
    }

    private static byte[] certificate(JsonNode e) throws EvidenceRejected {
        String vcek = e.path("vcek").asString("");
        if (vcek.isEmpty()) {
            throw new EvidenceRejected(Reason.CHAIN, "vcek", "required: the VCEK that signed the SNP report");
        }
        return vcek.contains("-----BEGIN") ? vcek.getBytes(StandardCharsets.US_ASCII) : base64url(e.path("vcek"), "vcek");
    }

    /** A byte field as the agent writes it: hex text, or (v0) an array of integers. */
    private static byte[] bytes(JsonNode node, String field) throws EvidenceRejected {
        if (node.isArray()) {
            byte[] out = new byte[node.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) node.get(i).asInt();
            }
            return out;
        }
        try {
            String text = node.asString("");
            if (text.isEmpty()) {
                throw new EvidenceRejected(Reason.MALFORMED, field, "required");
            }
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException ex) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "not hex");
        }
    }

    private static byte[] base64url(JsonNode node, String field) throws EvidenceRejected {
        String text = node.asString("");
        if (text.isEmpty()) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "required");
        }
        try {
            return Base64.getUrlDecoder().decode(text.replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException ex) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "not base64url");
        }
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] b) {
        return sha().digest(b);
    }
}
