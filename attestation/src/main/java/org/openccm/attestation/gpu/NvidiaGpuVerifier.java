// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.attestation.x509.Ecdsa;

/**
 * Verifies an NVIDIA Hopper attestation report: an SPDM 1.1 GET_MEASUREMENTS request and its signed MEASUREMENTS
 * response. The signature (ECDSA P-384 over request ‖ response up to the signature) is by the leaf of the device
 * certificate chain, which must end at the pinned NVIDIA Device Identity CA; the firmware ID the leaf certifies
 * (TCG DICE TcbInfo, OID 2.23.133.5.4.1) must be the one the report's opaque data declares; the request's nonce
 * (which the signature covers too) must be the verifier's. Certificate revocation is NVIDIA's online OCSP, which an offline verifier cannot consult.
 */
public final class NvidiaGpuVerifier {
    private static final String DICE_TCB_INFO = "2.23.133.5.4.1";
    private static final int REQUEST_SIZE = 37;
    private static final int SIGNATURE_SIZE = 96;
    private final X509Certificate root;

    public NvidiaGpuVerifier(X509Certificate deviceIdentityRoot) {
        this.root = deviceIdentityRoot;
    }

    public static NvidiaGpuVerifier withNvidiaRoot() {
        return new NvidiaGpuVerifier(resource("nvidia-device-identity-ca-root.pem"));
    }

    /** @param expectedNonce the nonce the verifier sent, or null when the caller binds the report otherwise */
    public GpuAttestation verify(byte[] evidence, byte[] certificateChain, byte[] expectedNonce, VerificationContext context)
            throws EvidenceRejected {
        if (evidence.length < REQUEST_SIZE + 8 || evidence[0] != 0x11 || (evidence[1] & 0xff) != 0xE0) {
            throw malformed("not an SPDM 1.1 GET_MEASUREMENTS request followed by its response");
        }
        byte[] requestNonce = Arrays.copyOfRange(evidence, 4, 36);
        int r = REQUEST_SIZE;
        if ((evidence[r + 1] & 0xff) != 0x60) {
            throw malformed("the response is not SPDM MEASUREMENTS (0x60)");
        }
        ByteBuffer le = ByteBuffer.wrap(evidence).order(ByteOrder.LITTLE_ENDIAN);
        int blocks = evidence[r + 4] & 0xff;
        int recordLength = (evidence[r + 5] & 0xff) | (evidence[r + 6] & 0xff) << 8 | (evidence[r + 7] & 0xff) << 16;
        int record = r + 8;
        int p = record + recordLength;
        // p: the responder's own nonce (SPDM), which the signature covers; the verifier's nonce is the request's.
        need(evidence, p + 32 + 2);
        int opaqueLength = le.getShort(p + 32) & 0xffff;
        int opaque = p + 34;
        int signatureStart = opaque + opaqueLength;
        need(evidence, signatureStart + SIGNATURE_SIZE);
        byte[] signature = Arrays.copyOfRange(evidence, signatureStart, signatureStart + SIGNATURE_SIZE);

        List<X509Certificate> chain = CertificateChains.parseAll("gpu.certificate_chain", certificateChain);
        if (chain.size() < 2) {
            throw new EvidenceRejected(Reason.CHAIN, "gpu.certificate_chain", "needs the device's certificates up to the NVIDIA root, not " + chain.size());
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            names.add(i == 0 ? "gpu.leaf" : i == chain.size() - 1 ? "gpu.root" : "gpu.intermediate" + i);
        }
        CertificateChains.verify(chain, names, List.of(root), context.now());
        try {
            if (!Ecdsa.verifyP1363(chain.getFirst().getPublicKey(), Ecdsa.Hash.SHA384, evidence, 0, signatureStart, signature)) {
                throw new EvidenceRejected(Reason.SIGNATURE, "gpu.signature", "the report is not signed by the device certificate's key");
            }
        } catch (GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.SIGNATURE, "gpu.signature", "cannot be verified: " + e.getMessage());
        }

        SortedMap<Integer, String> measurements = new TreeMap<>();
        int b = record;
        for (int i = 0; i < blocks; i++) {
            need(evidence, b + 7);
            int index = evidence[b] & 0xff;
            int size = le.getShort(b + 2) & 0xffff;
            int valueSize = le.getShort(b + 5) & 0xffff;
            need(evidence, b + 7 + valueSize);
            measurements.put(index, HexFormat.of().formatHex(evidence, b + 7, b + 7 + valueSize));
            b += 4 + size;
        }
        String driver = null;
        String vbios = null;
        byte[] fwid = null;
        String chipSku = null;
        String project = null;
        String projectSku = null;
        for (int o = opaque; o + 4 <= signatureStart; ) {
            int type = le.getShort(o) & 0xffff;
            int size = le.getShort(o + 2) & 0xffff;
            byte[] value = Arrays.copyOfRange(evidence, o + 4, Math.min(o + 4 + size, signatureStart));
            switch (type) {
                case 3 -> driver = cString(value);
                case 6 -> vbios = vbiosVersion(value);
                case 15 -> chipSku = cString(value).strip();
                case 17 -> project = cString(value).strip();
                case 18 -> projectSku = cString(value).strip();
                case 20 -> fwid = value;
                default -> {}
            }
            o += 4 + size;
        }
        byte[] certified = chain.getFirst().getExtensionValue(DICE_TCB_INFO);
        if (fwid == null || certified == null || certified.length < 48
                || !Arrays.equals(Arrays.copyOfRange(certified, certified.length - 48, certified.length), fwid)) {
            throw new EvidenceRejected(Reason.BINDING, "gpu.fwid", "the firmware ID in the report is not the one the device certificate certifies");
        }
        if (expectedNonce != null && !Arrays.equals(Arrays.copyOf(expectedNonce, 32), requestNonce)) {
            throw new EvidenceRejected(Reason.BINDING, "gpu.nonce", "the report answers another nonce");
        }
        return new GpuAttestation(measurements, requestNonce, driver, vbios, HexFormat.of().formatHex(fwid), project, projectSku, chipSku, chain);
    }

    /** The VBIOS version as NVIDIA prints it: 8 bytes read as a little-endian hex string, e.g. 96.00.9f.00.01. */
    static String vbiosVersion(byte[] value) {
        byte[] reversed = new byte[value.length];
        for (int i = 0; i < value.length; i++) {
            reversed[i] = value[value.length - 1 - i];
        }
        String v = HexFormat.of().formatHex(reversed);
        if (v.length() < 16) {
            return v;
        }
        String s = v.substring(8, 16) + v.substring(6, 8);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i += 2) {
            out.append(i == 0 ? "" : ".").append(s, i, i + 2);
        }
        return out.toString();
    }

    private static String cString(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.US_ASCII);
    }

    private static void need(byte[] b, int end) throws EvidenceRejected {
        if (end > b.length) {
            throw malformed("truncated at byte " + b.length + " (needs " + end + ")");
        }
    }

    private static EvidenceRejected malformed(String why) {
        return new EvidenceRejected(Reason.MALFORMED, "gpu.evidence", why);
    }

    static X509Certificate resource(String name) {
        try (InputStream in = NvidiaGpuVerifier.class.getResourceAsStream(name)) {
            return CertificateChains.parseAll(name, in.readAllBytes()).getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (EvidenceRejected e) {
            throw new IllegalStateException("the bundled NVIDIA root " + name + " does not parse", e);
        }
    }
}
