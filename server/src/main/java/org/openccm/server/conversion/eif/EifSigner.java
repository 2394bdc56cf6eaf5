// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openccm.attestation.cbor.Cbor;
import org.openccm.attestation.cbor.CborException;

/**
 * The EIF signature section (aws-nitro-enclaves-image-format "EifSectionSignature"): a CBOR array of
 * {signing_certificate: PEM, signature: COSE_Sign1} whose payload is {register_index: 0, register_value: PCR0}.
 * serde_cbor writes byte vectors as arrays of unsigned integers, not byte strings, and so does this class. Only
 * entry 0, for PCR0, is ever verified by AWS's tools.
 */
public final class EifSigner {
    private EifSigner() {}

    public static byte[] signatureSection(String pcr0Hex, String certificatePem, PrivateKey key, X509Certificate cert) {
        Map<Object, Object> payload = new LinkedHashMap<>();
        payload.put("register_index", 0L);
        payload.put("register_value", uints(HexFormat.of().parseHex(pcr0Hex)));
        byte[] payloadBytes = Cbor.encode(payload);
        Algorithm alg = Algorithm.of(cert);
        byte[] protectedHeader = Cbor.encode(Map.of(1L, alg.coseId));
        try {
            Signature signer = Signature.getInstance(alg.jca);
            signer.initSign(key);
            signer.update(Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], payloadBytes)));
            byte[] cose = Cbor.encode(List.of(protectedHeader, Map.of(), payloadBytes, signer.sign()));
            Map<Object, Object> entry = new LinkedHashMap<>();
            entry.put("signing_certificate", uints(certificatePem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            entry.put("signature", uints(cose));
            return Cbor.encode(List.of(entry));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the EIF", e);
        }
    }

    /** Checks entry 0 of a signature section: signed by {@code cert}'s key over exactly this PCR0. */
    public static boolean verify(byte[] section, String pcr0Hex, X509Certificate cert) {
        try {
            List<?> entries = (List<?>) Cbor.decode(section);
            Map<?, ?> entry = (Map<?, ?>) entries.getFirst();
            List<?> cose = (List<?>) Cbor.decode(bytes((List<?>) entry.get("signature")));
            byte[] protectedHeader = (byte[]) cose.get(0);
            byte[] payloadBytes = (byte[]) cose.get(2);
            Map<?, ?> payload = (Map<?, ?>) Cbor.decode(payloadBytes);
            if (!Long.valueOf(0).equals(payload.get("register_index"))
                    || !HexFormat.of().formatHex(bytes((List<?>) payload.get("register_value"))).equals(pcr0Hex)) {
                return false;
            }
            Algorithm alg = Algorithm.of(cert);
            if (!Long.valueOf(alg.coseId).equals(((Map<?, ?>) Cbor.decode(protectedHeader)).get(1L))) {
                return false;
            }
            Signature verifier = Signature.getInstance(alg.jca);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], payloadBytes)));
            return verifier.verify((byte[]) cose.get(3));
        } catch (CborException | GeneralSecurityException | ClassCastException | IndexOutOfBoundsException | NullPointerException
                | java.util.NoSuchElementException e) {
            return false;
        }
    }

    /** The signing certificate (PEM bytes) of entry 0; a section of another shape is a CborException, never a cast error. */
    public static byte[] signingCertificatePem(byte[] section) throws CborException {
        try {
            List<?> entries = (List<?>) Cbor.decode(section);
            return bytes((List<?>) ((Map<?, ?>) entries.getFirst()).get("signing_certificate"));
        } catch (ClassCastException | NullPointerException | java.util.NoSuchElementException e) {
            throw new CborException("not an EIF signature section (a list of maps with signing_certificate bytes)");
        }
    }

    private enum Algorithm {
        ES256(-7L, "SHA256withECDSAinP1363Format", 256),
        ES384(-35L, "SHA384withECDSAinP1363Format", 384),
        ES512(-36L, "SHA512withECDSAinP1363Format", 521);

        final long coseId;
        final String jca;
        final int bits;

        Algorithm(long coseId, String jca, int bits) {
            this.coseId = coseId;
            this.jca = jca;
            this.bits = bits;
        }

        static Algorithm of(X509Certificate cert) {
            int bits = ((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize();
            for (Algorithm a : values()) {
                if (a.bits == bits) {
                    return a;
                }
            }
            throw new IllegalArgumentException("EIF signing needs a P-256, P-384 or P-521 key");
        }
    }

    private static List<Long> uints(byte[] bytes) {
        List<Long> out = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            out.add((long) (b & 0xff));
        }
        return out;
    }

    private static byte[] bytes(List<?> uints) {
        byte[] out = new byte[uints.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (long) (Long) uints.get(i);
        }
        return out;
    }
}
