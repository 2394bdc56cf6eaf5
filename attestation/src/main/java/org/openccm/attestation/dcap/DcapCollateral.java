// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.x509.CertificateChains;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Intel's collateral for one platform, in dcap-qvl's QuoteCollateralV3 JSON layout: the TCB info and QE identity as
 * the exact JSON text Intel signed (kept as text: a re-serialised document would not verify), their raw r‖s
 * signatures and issuer chains, and the PCK and Root CA CRLs (hex DER).
 */
public record DcapCollateral(
        String tcbInfo,
        byte[] tcbInfoSignature,
        List<X509Certificate> tcbInfoIssuerChain,
        String qeIdentity,
        byte[] qeIdentitySignature,
        List<X509Certificate> qeIdentityIssuerChain,
        X509CRL pckCrl,
        X509CRL rootCaCrl) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static DcapCollateral parse(byte[] json) throws EvidenceRejected {
        JsonNode c;
        try {
            c = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new EvidenceRejected(Reason.MALFORMED, "collateral", "not JSON");
        }
        return new DcapCollateral(
                text(c, "tcb_info"),
                hex(c, "tcb_info_signature"),
                CertificateChains.parseAll("collateral.tcb_info_issuer_chain", text(c, "tcb_info_issuer_chain").getBytes(StandardCharsets.US_ASCII)),
                text(c, "qe_identity"),
                hex(c, "qe_identity_signature"),
                CertificateChains.parseAll("collateral.qe_identity_issuer_chain", text(c, "qe_identity_issuer_chain").getBytes(StandardCharsets.US_ASCII)),
                crl(c, "pck_crl"),
                crl(c, "root_ca_crl"));
    }

    private static String text(JsonNode c, String field) throws EvidenceRejected {
        String v = c.path(field).asString("");
        if (v.isEmpty()) {
            throw new EvidenceRejected(Reason.MALFORMED, "collateral." + field, "required");
        }
        return v;
    }

    private static byte[] hex(JsonNode c, String field) throws EvidenceRejected {
        try {
            return HexFormat.of().parseHex(text(c, field));
        } catch (IllegalArgumentException e) {
            throw new EvidenceRejected(Reason.MALFORMED, "collateral." + field, "not hex");
        }
    }

    private static X509CRL crl(JsonNode c, String field) throws EvidenceRejected {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(hex(c, field)));
        } catch (CRLException | CertificateException e) {
            throw new EvidenceRejected(Reason.MALFORMED, "collateral." + field, "not a DER X.509 CRL");
        }
    }
}
