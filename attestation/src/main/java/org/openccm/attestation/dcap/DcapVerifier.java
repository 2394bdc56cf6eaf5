// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.attestation.x509.Crls;
import org.openccm.attestation.x509.Ecdsa;
import org.openccm.attestation.x509.VerificationCache;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies an Intel DCAP quote (SGX or TDX) with its collateral, against the pinned Intel SGX Root CA. In order:
 * the PCK chain the quote carries; the quoting enclave's report signed by the PCK and binding the attestation key
 * (REPORTDATA = SHA-256(key ‖ QE auth data)); the quote's signature by that key over header ‖ body; the TCB info
 * and QE identity, signed over their exact text by Intel's TCB signing key, valid at the verification instant and
 * for this platform (FMSPC, PCE-ID, SGX or TDX); both CRLs, signed and current, and neither certificate of the PCK
 * chain revoked; the QE matching its identity; and the platform's TCB level from the PCK's TCB (plus TEE_TCB_SVN
 * for TDX). The TCB status is reported, not judged: accepting OutOfDate and the like is the caller's policy.
 */
public final class DcapVerifier {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * Intel's documents as parsed, by their text: every quote of a platform brings the same TCB info and QE identity
     * until Intel updates them, and parsing them cost a tenth of a cached verification. Only read, never modified.
     */
    private static final Map<String, JsonNode> DOCUMENTS = VerificationCache.bounded(64);
    private final X509Certificate root;
    private final boolean revocationFailOpen;

    public DcapVerifier(X509Certificate intelRoot) {
        this(intelRoot, false);
    }

    /**
     * @param revocationFailOpen when a CRL could not be obtained at all: false refuses the quote (fail-closed, the
     *     default), true verifies it without that revocation check and says so in the result (an operator's choice)
     */
    public DcapVerifier(X509Certificate intelRoot, boolean revocationFailOpen) {
        this.root = intelRoot;
        this.revocationFailOpen = revocationFailOpen;
    }

    public static DcapVerifier withIntelRoot() {
        return new DcapVerifier(intelRoot());
    }

    public static X509Certificate intelRoot() {
        try (InputStream in = DcapVerifier.class.getResourceAsStream("intel-sgx-root-ca.pem")) {
            return CertificateChains.parseAll("Intel SGX Root CA", in.readAllBytes()).getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (EvidenceRejected e) {
            throw new IllegalStateException("the bundled Intel root does not parse", e);
        }
    }

    /**
     * Verifies a quote with the collateral the workload brought (dcap-qvl's JSON) or, when it brought none, the
     * collateral the context's source has for the platform its PCK certificate names.
     *
     * @param platform how the caller names the quote's platform, for the refusal when collateral is missing
     */
    public DcapAttestation verify(byte[] quoteBytes, byte[] collateralJson, VerificationContext context, String platform)
            throws EvidenceRejected {
        DcapQuote quote = DcapQuote.parse(quoteBytes);
        List<X509Certificate> pck = pckChain(quote, context);
        if (collateralJson != null) {
            return verify(quote, pck, DcapCollateral.parse(collateralJson), context, Duration.ZERO);
        }
        if (pck.isEmpty()) {
            return verify(quote, pck, null, context, Duration.ZERO);
        }
        String pckCa = pck.size() > 1 && pck.get(1).getSubjectX500Principal().getName().contains("Platform CA") ? "platform" : "processor";
        DcapCollateral fetched = context.collateral().intel(PckExtension.of(pck.getFirst()).fmspc(), quote.tdx(), pckCa, context.now()).orElseThrow(
                () -> new EvidenceRejected(Reason.MALFORMED, "collateral",
                        "required for " + platform + " quotes: Intel's TCB info, QE identity and CRLs"));
        return verify(quote, pck, fetched, context, context.collateralGrace());
    }

    /**
     * The quote's PCK chain: carried (certification data type 5) or, for a quote that names its platform by an
     * encrypted PPID (types 2 and 3), from the context's collateral source; empty when neither has it.
     */
    private static List<X509Certificate> pckChain(DcapQuote quote, VerificationContext context) throws EvidenceRejected {
        if (quote.certificationType() == 5) {
            return CertificateChains.parseAll("PCK", quote.certificationData());
        }
        PckRequest request = quote.pckRequest();
        if (request == null) {
            throw new EvidenceRejected(Reason.CHAIN, "quote.certification_data",
                    "type " + quote.certificationType() + " neither carries the PCK certificate chain (5) nor names the platform by an encrypted PPID (2, 3)");
        }
        byte[] pem = context.collateral().intelPckCertificate(request, context.now()).orElseThrow(() -> new EvidenceRejected(Reason.CHAIN,
                "quote.certification_data", "the quote names its platform by an encrypted PPID, and Intel's PCK certificate for it cannot be had"));
        return CertificateChains.parseAll("PCK", pem);
    }

    public DcapAttestation verify(byte[] quoteBytes, DcapCollateral collateral, VerificationContext context) throws EvidenceRejected {
        DcapQuote quote = DcapQuote.parse(quoteBytes);
        return verify(quote, pckChain(quote, context), collateral, context, Duration.ZERO);
    }

    /** @param grace how long past its nextUpdate each piece of collateral may be, reported in collateralWarnings */
    private DcapAttestation verify(DcapQuote quote, List<X509Certificate> pck, DcapCollateral collateral, VerificationContext context, Duration grace)
            throws EvidenceRejected {
        Instant now = context.now();
        List<String> stale = new ArrayList<>();
        if (pck.size() != 3) {
            throw new EvidenceRejected(Reason.CHAIN, "PCK", "the chain has " + pck.size() + " certificates, not PCK, CA and root");
        }
        CertificateChains.verify(pck, List.of("PCK", "PCK CA", "Intel SGX Root CA"), List.of(root), now);

        EnclaveReport qe = EnclaveReport.parse(quote.qeReport());
        verifyP1363(pck.getFirst().getPublicKey(), quote.qeReport(), quote.qeReportSignature(), "quote.qe_report_signature",
                "the quoting enclave's report is not signed by the PCK");
        byte[] expected = sha256(concat(quote.attestationKey(), quote.qeAuthData()));
        if (!Arrays.equals(Arrays.copyOf(qe.reportData(), 32), expected) || !allZero(Arrays.copyOfRange(qe.reportData(), 32, 64))) {
            throw new EvidenceRejected(Reason.BINDING, "quote.qe_report.report_data",
                    "does not bind the attestation key (SHA-256 of key ‖ QE auth data)");
        }
        verifyQuoteSignature(quote);

        if (collateral == null) {
            throw new EvidenceRejected(Reason.MALFORMED, "collateral", "required: Intel's TCB info, QE identity and CRLs");
        }
        // Collateral: Intel's signatures, validity, and applicability to this platform.
        CertificateChains.verify(chainToRoot(collateral.tcbInfoIssuerChain()), List.of("TCB Signing", "Intel SGX Root CA"), List.of(root), now);
        CertificateChains.verify(chainToRoot(collateral.qeIdentityIssuerChain()), List.of("TCB Signing", "Intel SGX Root CA"), List.of(root), now);
        verifyCollateralSignature(collateral.tcbInfoIssuerChain().getFirst(), collateral.tcbInfo(), collateral.tcbInfoSignature(),
                "collateral.tcb_info_signature", "the TCB info is not signed by Intel's TCB signing key");
        verifyCollateralSignature(collateral.qeIdentityIssuerChain().getFirst(), collateral.qeIdentity(), collateral.qeIdentitySignature(),
                "collateral.qe_identity_signature", "the QE identity is not signed by Intel's TCB signing key");
        checkCrls(collateral, pck, now, grace, stale);

        JsonNode tcbInfo = document(collateral.tcbInfo());
        JsonNode qeIdentity = document(collateral.qeIdentity());
        current(tcbInfo, "collateral.tcb_info", now, grace, stale);
        current(qeIdentity, "collateral.qe_identity", now, grace, stale);
        PckExtension ext = PckExtension.of(pck.getFirst());
        String id = tcbInfo.path("id").asString("SGX");
        if (!id.equals(quote.tdx() ? "TDX" : "SGX")) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "collateral.tcb_info.id", "is " + id + " for a " + (quote.tdx() ? "TDX" : "SGX") + " quote");
        }
        if (!tcbInfo.path("fmspc").asString("").equalsIgnoreCase(ext.fmspc()) || !tcbInfo.path("pceId").asString("").equalsIgnoreCase(ext.pceId())) {
            throw new EvidenceRejected(Reason.BINDING, "collateral.tcb_info.fmspc",
                    "is for FMSPC " + tcbInfo.path("fmspc").asString() + ", the PCK's platform is " + ext.fmspc());
        }
        String qeStatus = qeStatus(qeIdentity, qe, quote.tdx());

        EnclaveReport enclave = quote.tdx() ? null : quote.enclaveReport();
        TdReport td = quote.tdx() ? quote.tdReport() : null;
        if ((enclave != null && enclave.debug()) || (td != null && td.debug())) {
            if (!context.allowDebug()) {
                throw new EvidenceRejected(Reason.DEBUG, quote.tdx() ? "td_attributes" : "attributes",
                        "the " + (quote.tdx() ? "TD" : "enclave") + " runs in debug mode: its memory is not protected");
            }
        }
        if (td != null) {
            checkTdxModule(tcbInfo, td);
        }
        JsonNode level = tcbLevel(tcbInfo, ext, td);
        List<String> advisories = new ArrayList<>();
        level.path("advisoryIDs").forEach(a -> advisories.add(a.asString()));
        return new DcapAttestation(quote, enclave, td, ext.fmspc(), level.path("tcbStatus").asString(), List.copyOf(advisories), qeStatus,
                td == null ? null : moduleStatus(tcbInfo, td), List.copyOf(stale));
    }

    /** The first TCB level the platform is at or above: every CPUSVN component, PCESVN and, for TDX, TEE_TCB_SVN. */
    private static JsonNode tcbLevel(JsonNode tcbInfo, PckExtension ext, TdReport td) throws EvidenceRejected {
        int version = tcbInfo.path("version").asInt();
        for (JsonNode level : tcbInfo.path("tcbLevels")) {
            JsonNode tcb = level.path("tcb");
            boolean at = tcb.path("pcesvn").asInt(Integer.MAX_VALUE) <= ext.pceSvn();
            for (int i = 0; at && i < 16; i++) {
                int required = version >= 3
                        ? tcb.path("sgxtcbcomponents").path(i).path("svn").asInt(Integer.MAX_VALUE)
                        : tcb.path(String.format("sgxtcbcomp%02dsvn", i + 1)).asInt(Integer.MAX_VALUE);
                at = ext.cpuSvnComponents()[i] >= required;
            }
            if (at && td != null) {
                JsonNode tdx = tcb.path("tdxtcbcomponents");
                // With a TDX module version in TEE_TCB_SVN[1], its first two bytes are the module's SVN, judged by
                // tdxModuleIdentities instead (Intel QVL): the level comparison starts at byte 2.
                int first = (td.teeTcbSvn()[1] & 0xff) != 0 ? 2 : 0;
                for (int i = first; at && i < 16; i++) {
                    at = (td.teeTcbSvn()[i] & 0xff) >= tdx.path(i).path("svn").asInt(0);
                }
            }
            if (at) {
                return level;
            }
        }
        throw new EvidenceRejected(Reason.TCB, "PCK", "no TCB level of FMSPC " + ext.fmspc() + " is met: the platform's TCB is not supported");
    }

    /**
     * The TDX module that launched the TD is Intel's: MRSIGNERSEAM and the masked SEAMATTRIBUTES equal the TCB info's
     * identity of that module version (tdxModuleIdentities "TDX_xx"), or its tdxModule when it lists no identities.
     */
    static void checkTdxModule(JsonNode tcbInfo, TdReport td) throws EvidenceRejected {
        String id = String.format("TDX_%02X", td.teeTcbSvn()[1] & 0xff);
        JsonNode identity = tcbInfo.path("tdxModule");
        for (JsonNode module : tcbInfo.path("tdxModuleIdentities")) {
            if (module.path("id").asString("").equals(id)) {
                identity = module;
            }
        }
        if (identity.isMissingNode()) {
            return; // TCB info v2-style documents carry no module identity
        }
        HexFormat hex = HexFormat.of();
        if (!hex.formatHex(td.mrSignerSeam()).equalsIgnoreCase(identity.path("mrsigner").asString(""))) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "quote.td_report.mrsignerseam", "the TDX module " + id + " is not signed by Intel's key");
        }
        byte[] mask = hex.parseHex(identity.path("attributesMask").asString("FFFFFFFFFFFFFFFF").toLowerCase(Locale.ROOT));
        byte[] expected = hex.parseHex(identity.path("attributes").asString("0000000000000000").toLowerCase(Locale.ROOT));
        for (int i = 0; i < Math.min(8, Math.min(mask.length, expected.length)); i++) {
            if ((td.seamAttributes()[i] & mask[i]) != expected[i]) {
                throw new EvidenceRejected(Reason.MEASUREMENT, "quote.td_report.seamattributes", "the TDX module " + id + " runs with unexpected attributes");
            }
        }
    }

    private static String moduleStatus(JsonNode tcbInfo, TdReport td) {
        String id = String.format("TDX_%02X", td.teeTcbSvn()[1] & 0xff);
        for (JsonNode module : tcbInfo.path("tdxModuleIdentities")) {
            if (module.path("id").asString("").equals(id)) {
                for (JsonNode level : module.path("tcbLevels")) {
                    if ((td.teeTcbSvn()[0] & 0xff) >= level.path("tcb").path("isvsvn").asInt(Integer.MAX_VALUE)) {
                        return level.path("tcbStatus").asString();
                    }
                }
                return "TcbNotSupported";
            }
        }
        return null;
    }

    private static String qeStatus(JsonNode identity, EnclaveReport qe, boolean tdx) throws EvidenceRejected {
        String expectedId = tdx ? "TD_QE" : "QE";
        if (!identity.path("id").asString("QE").equals(expectedId)) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "collateral.qe_identity.id", "is " + identity.path("id").asString() + ", not " + expectedId);
        }
        HexFormat hex = HexFormat.of();
        if (!hex.formatHex(qe.mrSigner()).equalsIgnoreCase(identity.path("mrsigner").asString(""))
                || qe.isvProdId() != identity.path("isvprodid").asInt(-1)) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "quote.qe_report", "the quoting enclave is not Intel's (MRSIGNER or ISVPRODID)");
        }
        long miscMask = Long.parseLong(identity.path("miscselectMask").asString("FFFFFFFF"), 16);
        long misc = Long.parseLong(identity.path("miscselect").asString("00000000"), 16);
        byte[] attrMask = hex.parseHex(identity.path("attributesMask").asString("").toLowerCase(Locale.ROOT));
        byte[] attrs = hex.parseHex(identity.path("attributes").asString("").toLowerCase(Locale.ROOT));
        boolean attributesMatch = attrMask.length == 16 && attrs.length == 16;
        for (int i = 0; attributesMatch && i < 16; i++) {
            attributesMatch = (qe.attributes()[i] & attrMask[i]) == attrs[i];
        }
        if ((qe.miscSelect() & miscMask) != misc || !attributesMatch) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "quote.qe_report", "the quoting enclave's MISCSELECT or ATTRIBUTES do not match its identity");
        }
        for (JsonNode level : identity.path("tcbLevels")) {
            if (qe.isvSvn() >= level.path("tcb").path("isvsvn").asInt(Integer.MAX_VALUE)) {
                return level.path("tcbStatus").asString();
            }
        }
        throw new EvidenceRejected(Reason.TCB, "quote.qe_report.isvsvn", "the quoting enclave's ISVSVN " + qe.isvSvn() + " meets no level");
    }

    private void checkCrls(DcapCollateral c, List<X509Certificate> pck, Instant now, Duration grace, List<String> stale)
            throws EvidenceRejected {
        X509Certificate pckCa = pck.get(1);
        if (c.rootCaCrl() == null) {
            missingCrl("collateral.root_ca_crl", stale);
        } else {
            Crls.verify(c.rootCaCrl(), root, "collateral.root_ca_crl", now, grace, stale);
            if (c.rootCaCrl().isRevoked(pckCa)) {
                throw new EvidenceRejected(Reason.CHAIN, "PCK CA", "is revoked");
            }
        }
        if (c.pckCrl() == null) {
            missingCrl("collateral.pck_crl", stale);
            return;
        }
        if (!c.pckCrl().getIssuerX500Principal().equals(pckCa.getSubjectX500Principal())) {
            throw new EvidenceRejected(Reason.CHAIN, "collateral.pck_crl",
                    "is issued by " + c.pckCrl().getIssuerX500Principal().getName() + ", not by the PCK's CA " + pckCa.getSubjectX500Principal().getName());
        }
        Crls.verify(c.pckCrl(), pckCa, "collateral.pck_crl", now, grace, stale);
        if (c.pckCrl().isRevoked(pck.getFirst())) {
            throw new EvidenceRejected(Reason.CHAIN, "PCK", "is revoked (serial " + pck.getFirst().getSerialNumber().toString(16) + ")");
        }
    }

    /** A CRL the collateral source could not obtain: refused, unless the operator chose fail-open. */
    private void missingCrl(String field, List<String> warnings) throws EvidenceRejected {
        if (!revocationFailOpen) {
            throw new EvidenceRejected(Reason.CHAIN, field, "could not be obtained, so revocation cannot be checked (revocation policy: fail-closed)");
        }
        warnings.add("revocation not checked: " + field + " could not be obtained (revocation policy: fail-open)");
    }

    private static void current(JsonNode document, String field, Instant now, Duration grace, List<String> stale) throws EvidenceRejected {
        try {
            Instant issued = Instant.parse(document.path("issueDate").asString());
            Instant next = Instant.parse(document.path("nextUpdate").asString());
            if (now.isBefore(issued) || now.isAfter(next.plus(grace))) {
                throw new EvidenceRejected(Reason.EXPIRED, field, "is valid from " + issued + " to " + next
                        + (grace.isZero() ? "" : " (grace " + grace + ")") + ", checked at " + now);
            }
            if (now.isAfter(next)) {
                stale.add("stale collateral used within the grace period: " + field + " (next update was due " + next + ")");
            }
        } catch (java.time.format.DateTimeParseException e) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "has no readable issueDate/nextUpdate");
        }
    }

    private static JsonNode document(String text) {
        JsonNode parsed = DOCUMENTS.get(text);
        if (parsed == null) {
            parsed = JSON.readTree(text);
            DOCUMENTS.put(text, parsed);
        }
        return parsed;
    }

    /** The issuer chain as sent, ending at the root even when the sender left the root out. */
    private List<X509Certificate> chainToRoot(List<X509Certificate> chain) {
        List<X509Certificate> out = new ArrayList<>(chain);
        if (out.size() == 1) {
            out.add(root);
        }
        return out;
    }

    private static void verifyP1363(PublicKey key, byte[] data, byte[] signature, String field, String why) throws EvidenceRejected {
        boolean valid;
        try {
            valid = Ecdsa.verifyP1363(key, Ecdsa.Hash.SHA256, data, signature);
        } catch (GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.SIGNATURE, field, why + " (" + e.getMessage() + ")");
        }
        if (!valid) {
            throw new EvidenceRejected(Reason.SIGNATURE, field, why);
        }
    }

    private static void verifyQuoteSignature(DcapQuote quote) throws EvidenceRejected {
        String why = "the quote is not signed by the key its quoting enclave certified";
        boolean valid;
        try {
            valid = Ecdsa.verifyP256(quote.attestationKey(), Ecdsa.Hash.SHA256, quote.signedBytes(), quote.signature());
        } catch (GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.MALFORMED, "quote.attestation_key", "not a P-256 point: " + e.getMessage());
        }
        if (!valid) {
            throw new EvidenceRejected(Reason.SIGNATURE, "quote.signature", why);
        }
    }

    /**
     * Intel's signature over a TCB info or QE identity document. The same documents serve every quote of a platform
     * until Intel updates them, so a signature verified once is remembered (whether the document is current is
     * checked on every quote).
     */
    private static void verifyCollateralSignature(X509Certificate signer, String document, byte[] signature, String field, String why)
            throws EvidenceRejected {
        byte[] signed = document.getBytes(StandardCharsets.UTF_8);
        byte[] signerDer;
        try {
            signerDer = signer.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.CHAIN, "TCB Signing", "cannot be encoded: " + e.getMessage());
        }
        VerificationCache.once(VerificationCache.signature(signerDer, signed, signature),
                () -> verifyP1363(signer.getPublicKey(), signed, signature, field, why));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
