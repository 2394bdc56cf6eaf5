// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.nitro;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceVerifier;
import org.openccm.attestation.Platform;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.Hex;
import org.openccm.attestation.KeyBinding;
import org.openccm.attestation.Measurement;
import org.openccm.attestation.VerifiedEvidence;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.cbor.Cbor;
import org.openccm.attestation.cbor.CborException;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.attestation.x509.Ecdsa;

/**
 * Verifies an AWS Nitro Enclaves attestation document (COSE_Sign1, RFC 9052; AWS NSM API). Steps, in order:
 * <ol>
 *   <li>parse the COSE_Sign1 envelope (tag 18 optional) and require the protected header {1: -35} (ES384);
 *   <li>parse the payload map and its mandatory fields;
 *   <li>check the chain leaf &larr; cabundle[n-1] &larr; ... &larr; cabundle[0], with cabundle[0] a pinned root and every
 *       certificate valid at the context's instant;
 *   <li>verify the ES384 signature by the leaf over Sig_structure("Signature1", protected, h'', payload);
 *   <li>refuse debug mode (PCR0-2 all zero) unless the context allows it.
 * </ol>
 */
public final class NitroVerifier implements EvidenceVerifier {
    private static final int MAX_OPTIONAL_FIELD = 1024;
    private final List<X509Certificate> roots;

    public NitroVerifier(List<X509Certificate> roots) {
        this.roots = List.copyOf(roots);
    }

    /** A verifier trusting the AWS Nitro Enclaves Root G1, shipped with OpenCCM. */
    public static NitroVerifier withAwsRoot() {
        return new NitroVerifier(List.of(awsRoot()));
    }

    public static X509Certificate awsRoot() {
        try (InputStream pem = NitroVerifier.class.getResourceAsStream("aws-nitro-enclaves-root-g1.pem")) {
            return CertificateChains.parseAll("root", pem.readAllBytes()).getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (EvidenceRejected e) {
            throw new IllegalStateException("the shipped AWS root does not parse", e);
        }
    }

    @Override
    public Platform platform() {
        return Platform.NITRO;
    }

    @Override
    public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceRejected {
        NitroAttestation a = verify(evidence.document(), context);
        return new VerifiedEvidence(new Measurement.Nitro(a.moduleId(), a.timestamp(), a.pcrs()), bound(a, context.binding()));
    }

    /**
     * The enclave binds a key by putting its DER SubjectPublicKeyInfo into {@code public_key} (then a challenge, when
     * there is one, must be the document's {@code nonce}), or the binding digest at the start of {@code user_data}.
     */
    private static boolean bound(NitroAttestation a, KeyBinding binding) throws EvidenceRejected {
        if (binding == null) {
            return false;
        }
        boolean byKey = a.publicKey() != null
                && MessageDigest.isEqual(a.publicKey(), binding.publicKey())
                && (binding.nonce() == null || (a.nonce() != null && MessageDigest.isEqual(a.nonce(), binding.nonce())));
        if (!byKey && !binding.boundBy(a.userData())) {
            throw binding.notBound("public_key must be its DER SubjectPublicKeyInfo"
                    + (binding.nonce() == null ? "" : " and nonce the challenge's nonce") + ", or user_data must start with " + binding.expected());
        }
        return true;
    }

    public NitroAttestation verify(byte[] document, VerificationContext context) throws EvidenceRejected {
        List<Object> cose = envelope(document);
        byte[] protectedHeader = bytes(cose.get(0), "protected");
        byte[] payload = bytes(cose.get(2), "payload");
        byte[] signature = bytes(cose.get(3), "signature");
        requireEs384(protectedHeader);
        Map<?, ?> doc = map(decode(payload, "payload"), "payload");

        String moduleId = text(doc, "module_id");
        if (moduleId.isEmpty()) {
            throw new EvidenceRejected(Reason.MALFORMED, "module_id", "is empty");
        }
        if (!"SHA384".equals(text(doc, "digest"))) {
            throw new EvidenceRejected(Reason.MALFORMED, "digest", "must be SHA384");
        }
        Instant timestamp = Instant.ofEpochMilli(number(doc, "timestamp"));
        SortedMap<Integer, String> pcrs = pcrs(doc.get("pcrs"));
        X509Certificate leaf = CertificateChains.parse("certificate", bytes(doc.get("certificate"), "certificate"));
        List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
        List<String> names = new ArrayList<>(List.of("certificate"));
        Object bundle = doc.get("cabundle");
        if (!(bundle instanceof List<?> cabundle) || cabundle.isEmpty()) {
            throw new EvidenceRejected(Reason.MALFORMED, "cabundle", "must be a non-empty array of certificates");
        }
        // cabundle is ordered root first; the chain runs leaf first.
        for (int i = cabundle.size() - 1; i >= 0; i--) {
            chain.add(CertificateChains.parse("cabundle[" + i + "]", bytes(cabundle.get(i), "cabundle[" + i + "]")));
            names.add("cabundle[" + i + "]");
        }
        CertificateChains.verify(chain, names, roots, context.now());

        byte[] signed = Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], payload));
        if (!verifyEs384(leaf, signed, signature)) {
            throw new EvidenceRejected(
                    Reason.SIGNATURE, "signature", "ES384 signature by the enclave certificate does not verify");
        }
        boolean debug = isZero(pcrs.get(0)) && isZero(pcrs.get(1)) && isZero(pcrs.get(2));
        if (debug && !context.allowDebug()) {
            throw new EvidenceRejected(
                    Reason.DEBUG, "pcrs", "PCR0-2 are all zero: the enclave runs in debug mode and is not isolated");
        }
        return new NitroAttestation(
                moduleId,
                timestamp,
                pcrs,
                optional(doc, "user_data"),
                optional(doc, "public_key"),
                optional(doc, "nonce"),
                debug,
                leaf);
    }

    private static List<Object> envelope(byte[] document) throws EvidenceRejected {
        Object item = decode(document, "document");
        if (item instanceof Cbor.Tagged tagged) {
            if (tagged.tag() != 18) {
                throw new EvidenceRejected(Reason.MALFORMED, "document", "CBOR tag " + tagged.tag() + " is not COSE_Sign1 (18)");
            }
            item = tagged.item();
        }
        if (!(item instanceof List<?> list) || list.size() != 4) {
            throw new EvidenceRejected(Reason.MALFORMED, "document", "not a COSE_Sign1 array of 4 items");
        }
        return new ArrayList<>(list);
    }

    private static void requireEs384(byte[] protectedHeader) throws EvidenceRejected {
        Map<?, ?> header = map(decode(protectedHeader, "protected"), "protected");
        if (!Long.valueOf(-35).equals(header.get(1L))) {
            throw new EvidenceRejected(Reason.MALFORMED, "protected", "algorithm must be ES384 (-35), got " + header.get(1L));
        }
    }

    private static boolean verifyEs384(X509Certificate leaf, byte[] signed, byte[] signature) throws EvidenceRejected {
        if (signature.length != 96) {
            throw new EvidenceRejected(Reason.SIGNATURE, "signature", "ES384 needs 96 bytes (r||s), got " + signature.length);
        }
        try {
            return Ecdsa.verifyP1363(leaf.getPublicKey(), Ecdsa.Hash.SHA384, signed, signature);
        } catch (GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.SIGNATURE, "signature", "cannot be verified: " + e.getMessage());
        }
    }

    private static SortedMap<Integer, String> pcrs(Object value) throws EvidenceRejected {
        if (!(value instanceof Map<?, ?> map) || map.isEmpty()) {
            throw new EvidenceRejected(Reason.MALFORMED, "pcrs", "must be a map of PCR index to bytes");
        }
        SortedMap<Integer, String> pcrs = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof Long index) || index < 0 || index > 31) {
                throw new EvidenceRejected(Reason.MALFORMED, "pcrs", "index " + e.getKey() + " is not 0..31");
            }
            byte[] v = bytes(e.getValue(), "pcrs[" + index + "]");
            if (v.length != 32 && v.length != 48 && v.length != 64) {
                throw new EvidenceRejected(Reason.MALFORMED, "pcrs[" + index + "]", "length " + v.length + " is not 32, 48 or 64");
            }
            pcrs.put(index.intValue(), Hex.of(v));
        }
        for (int required = 0; required <= 2; required++) {
            if (!pcrs.containsKey(required)) {
                throw new EvidenceRejected(Reason.MALFORMED, "pcrs[" + required + "]", "missing");
            }
        }
        return pcrs;
    }

    private static boolean isZero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }

    private static Object decode(byte[] bytes, String field) throws EvidenceRejected {
        try {
            return Cbor.decode(bytes);
        } catch (CborException e) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "not valid CBOR: " + e.getMessage());
        }
    }

    private static Map<?, ?> map(Object value, String field) throws EvidenceRejected {
        if (!(value instanceof Map<?, ?> map)) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "must be a CBOR map");
        }
        return map;
    }

    private static byte[] bytes(Object value, String field) throws EvidenceRejected {
        if (!(value instanceof byte[] b)) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "must be a byte string");
        }
        return b;
    }

    private static String text(Map<?, ?> doc, String field) throws EvidenceRejected {
        if (!(doc.get(field) instanceof String s)) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "must be a text string");
        }
        return s;
    }

    private static long number(Map<?, ?> doc, String field) throws EvidenceRejected {
        if (!(doc.get(field) instanceof Long n) || n < 0) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "must be an unsigned integer");
        }
        return n;
    }

    private static byte[] optional(Map<?, ?> doc, String field) throws EvidenceRejected {
        Object v = doc.get(field);
        if (v == null) {
            return null;
        }
        byte[] b = bytes(v, field);
        if (b.length > MAX_OPTIONAL_FIELD) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "longer than " + MAX_OPTIONAL_FIELD + " bytes");
        }
        return b;
    }
}
