// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.aci;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.cbor.Cbor;
import org.openccm.attestation.cbor.CborException;
import org.openccm.attestation.x509.CertificateChains;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies a UVM endorsement ("reference info"): a COSE_Sign1 (RFC 9052) signed with PS384 by the leaf of its
 * x5chain (header 33), whose issuer is named by a did:x509 (the SHA-256 of the chain's root certificate and an EKU
 * the leaf must carry). The trust anchor is that DID: the root is pinned by its fingerprint, as Microsoft's own
 * verifiers do, so no root certificate needs shipping. Steps: envelope and protected header (alg -38, iss, feed);
 * the DID's root fingerprint against the chain's last certificate; the chain at the verification instant; the
 * leaf's EKU; the signature over Sig_structure("Signature1", protected, h'', payload); then the payload's launch
 * measurement and guest SVN.
 */
public final class UvmEndorsementVerifier {
    /** Microsoft's issuer of the ACI UVM feed (the "ContainerPlat" leaf under Microsoft Supply Chain RSA Root CA 2022). */
    public static final String MICROSOFT_UVM_ISSUER =
            "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2";
    public static final String UVM_FEED = "ContainerPlat-AMD-UVM";
    private static final long ALG_PS384 = -38;
    private static final long X5CHAIN = 33;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final List<String> trustedIssuers;

    public UvmEndorsementVerifier(List<String> trustedIssuers) {
        for (String did : trustedIssuers) {
            DidX509.parse(did); // refuse a malformed trust anchor at start-up, not at the first attestation
        }
        this.trustedIssuers = List.copyOf(trustedIssuers);
    }

    public static UvmEndorsementVerifier microsoft() {
        return new UvmEndorsementVerifier(List.of(MICROSOFT_UVM_ISSUER));
    }

    public UvmEndorsement verify(byte[] cose, VerificationContext context) throws EvidenceRejected {
        List<?> sign1 = envelope(cose);
        byte[] protectedBytes = bytes(sign1.get(0), "protected header");
        byte[] payload = bytes(sign1.get(2), "payload");
        byte[] signature = bytes(sign1.get(3), "signature");
        Map<?, ?> header;
        try {
            header = Cbor.decode(protectedBytes) instanceof Map<?, ?> m ? m : null;
        } catch (CborException e) {
            header = null;
        }
        if (header == null) {
            throw malformed("the protected header is not a CBOR map");
        }
        if (!Long.valueOf(ALG_PS384).equals(header.get(1L))) {
            throw new EvidenceRejected(Reason.SIGNATURE, "reference_info.alg", "must be PS384 (-38), is " + header.get(1L));
        }
        if (!(header.get("iss") instanceof String issuer) || !trustedIssuers.contains(issuer)) {
            throw new EvidenceRejected(Reason.WRONG_ROOT, "reference_info.iss", "issuer " + header.get("iss") + " is not trusted");
        }
        if (!UVM_FEED.equals(header.get("feed"))) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "reference_info.feed", "must be " + UVM_FEED + ", is " + header.get("feed"));
        }
        List<X509Certificate> chain = chain(header.get(X5CHAIN));
        DidX509 did = DidX509.parse(issuer);
        X509Certificate root = chain.getLast();
        if (!did.fingerprint().equals(fingerprint(root))) {
            throw new EvidenceRejected(Reason.WRONG_ROOT, "reference_info.x5chain",
                    "the chain's root is not the one " + issuer + " names");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            names.add(i == 0 ? "reference_info.leaf" : i == chain.size() - 1 ? "reference_info.root" : "reference_info.intermediate");
        }
        CertificateChains.verify(chain, names, List.of(root), context.now());
        requireEku(chain.getFirst(), did.eku());
        verifySignature(chain.getFirst(), protectedBytes, payload, signature);
        return endorsement(issuer, payload, header.get("signingtime"));
    }

    private static UvmEndorsement endorsement(String issuer, byte[] payload, Object signingTime) throws EvidenceRejected {
        JsonNode claims;
        try {
            claims = JSON.readTree(payload);
        } catch (JacksonException e) {
            throw malformed("the payload is not JSON");
        }
        String measurement = claims.path("x-ms-sevsnpvm-launchmeasurement").asString("").toLowerCase(Locale.ROOT);
        if (!measurement.matches("[0-9a-f]{96}")) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "reference_info.x-ms-sevsnpvm-launchmeasurement", "must be 96 hex characters");
        }
        long svn;
        try {
            svn = Long.parseLong(claims.path("x-ms-sevsnpvm-guestsvn").asString(""));
        } catch (NumberFormatException e) {
            throw new EvidenceRejected(Reason.MEASUREMENT, "reference_info.x-ms-sevsnpvm-guestsvn", "must be a number");
        }
        Instant signed = signingTime instanceof Cbor.Tagged t && t.item() instanceof Long seconds ? Instant.ofEpochSecond(seconds) : null;
        return new UvmEndorsement(issuer, UVM_FEED, measurement, svn, signed);
    }

    private static void verifySignature(X509Certificate leaf, byte[] protectedBytes, byte[] payload, byte[] signature)
            throws EvidenceRejected {
        byte[] signed = Cbor.encode(List.of("Signature1", protectedBytes, new byte[0], payload));
        try {
            Signature pss = Signature.getInstance("RSASSA-PSS");
            pss.setParameter(new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1));
            pss.initVerify(leaf.getPublicKey());
            pss.update(signed);
            if (!pss.verify(signature)) {
                throw new EvidenceRejected(Reason.SIGNATURE, "reference_info.signature", "does not verify with the x5chain leaf");
            }
        } catch (GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.SIGNATURE, "reference_info.signature", "cannot be verified: " + e.getMessage());
        }
    }

    private static void requireEku(X509Certificate leaf, String eku) throws EvidenceRejected {
        try {
            List<String> ekus = leaf.getExtendedKeyUsage();
            if (ekus == null || !ekus.contains(eku)) {
                throw new EvidenceRejected(Reason.CHAIN, "reference_info.leaf", "lacks the extended key usage " + eku + " its issuer DID requires");
            }
        } catch (CertificateParsingException e) {
            throw new EvidenceRejected(Reason.CHAIN, "reference_info.leaf", "unreadable extended key usage");
        }
    }

    private static List<X509Certificate> chain(Object x5chain) throws EvidenceRejected {
        List<X509Certificate> chain = new ArrayList<>();
        if (x5chain instanceof byte[] single) {
            chain.add(CertificateChains.parse("reference_info.x5chain", single));
        } else if (x5chain instanceof List<?> list && !list.isEmpty()) {
            for (Object der : list) {
                chain.add(CertificateChains.parse("reference_info.x5chain", bytes(der, "x5chain")));
            }
        } else {
            throw malformed("no x5chain (header 33) in the protected header");
        }
        return chain;
    }

    private static List<?> envelope(byte[] cose) throws EvidenceRejected {
        Object item;
        try {
            item = Cbor.decode(cose);
        } catch (CborException e) {
            throw malformed("not CBOR: " + e.getMessage());
        }
        if (item instanceof Cbor.Tagged tagged) {
            if (tagged.tag() != 18) {
                throw malformed("CBOR tag " + tagged.tag() + " is not COSE_Sign1 (18)");
            }
            item = tagged.item();
        }
        if (!(item instanceof List<?> list) || list.size() != 4) {
            throw malformed("not a COSE_Sign1 array of 4 items");
        }
        return list;
    }

    static String fingerprint(X509Certificate cert) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(Object item, String what) throws EvidenceRejected {
        if (item instanceof byte[] b) {
            return b;
        }
        throw malformed(what + " is not a byte string");
    }

    private static EvidenceRejected malformed(String why) {
        return new EvidenceRejected(Reason.MALFORMED, "reference_info", why);
    }

    /** did:x509:0:sha256:&lt;base64url root fingerprint&gt;::eku:&lt;oid&gt;, the only policy ACI issuers use. */
    record DidX509(String fingerprint, String eku) {
        static DidX509 parse(String did) {
            String prefix = "did:x509:0:sha256:";
            int sep = did.indexOf("::eku:");
            if (!did.startsWith(prefix) || sep < 0 || !did.substring(sep + 6).matches("[0-9]+(\\.[0-9]+)+")) {
                throw new IllegalArgumentException("not a did:x509 with a sha256 fingerprint and an eku policy: " + did);
            }
            return new DidX509(did.substring(prefix.length(), sep), did.substring(sep + 6));
        }
    }
}
