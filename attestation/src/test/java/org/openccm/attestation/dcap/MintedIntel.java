// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.dcap;

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
import org.openccm.attestation.RejectionSupport;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.attestation.x509.Der;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minted Intel, for the checks that sit behind Intel's signatures: root, PCK CA, PCK (with the real PCK's SGX
 * extension) and TCB signing certificates; the real Phala SGX quote re-signed (a new attestation key, certified by the
 * QE report, signed by the PCK) and Intel's real collateral for it re-signed, optionally changed. Serves the
 * library's rejection tests and, in PCS's response shapes, the server's collateral-fetch tests.
 */
public final class MintedIntel {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HexFormat HEX = HexFormat.of();
    private static final String SGX_QUOTE = "sgx-dcap/phala-sgx-v3-quote.bin";
    private static final String SGX_COLLATERAL = "sgx-dcap/phala-sgx-v3-collateral.json";
    // v3 SGX quote layout: header 48, report body 384, signature data length at 432, then signature, key, QE report...
    private static final int AUTH_LENGTH = 48 + 384 + 4 + 64 + 64 + 384 + 64;

    public final Instant from = Instant.parse("2025-01-01T00:00:00Z");
    public final Instant to = Instant.parse("2026-01-01T00:00:00Z");
    final KeyPair rootKey = RejectionSupport.ec("secp256r1");
    final KeyPair caKey = RejectionSupport.ec("secp256r1");
    final KeyPair signingKey = RejectionSupport.ec("secp256r1");
    final KeyPair pckKey;
    public final X509Certificate root =
            RejectionSupport.ca("CN=Test SGX Root CA", rootKey.getPublic(), "CN=Test SGX Root CA", rootKey.getPrivate(), from, to);
    public final X509Certificate pckCa = RejectionSupport.ca("CN=Test SGX PCK Processor CA", caKey.getPublic(), "CN=Test SGX Root CA",
            rootKey.getPrivate(), from, to);
    final X509Certificate tcbSigning = RejectionSupport.leaf("CN=Test SGX TCB Signing", signingKey.getPublic(), "CN=Test SGX Root CA",
            rootKey.getPrivate(), from, to);
    public final X509Certificate pck;
    public BigInteger[] revokedPcks = {};
    public BigInteger[] revokedCas = {};

    /** A minted Intel whose PCK has an EC P-256 key. */
    public MintedIntel() throws Exception {
        this(RejectionSupport.ec("secp256r1"));
    }

    public MintedIntel(KeyPair pckKey) throws Exception {
        this.pckKey = pckKey;
        X509Certificate real = CertificateChains.parseAll("PCK", DcapQuote.parse(TestVectors.bytes(SGX_QUOTE)).certificationData()).getFirst();
        pck = RejectionSupport.leaf("CN=Test SGX PCK Certificate", pckKey.getPublic(), "CN=Test SGX PCK Processor CA", caKey.getPrivate(), from, to,
                RejectionSupport.ext(PckExtension.OID, Der.extension(real, PckExtension.OID)));
    }

    public DcapVerifier verifier() {
        return new DcapVerifier(root);
    }

    /** The real SGX quote, its PCK chain and signatures replaced by this Intel's. */
    public byte[] quote() throws Exception {
        byte[] q = TestVectors.bytes(SGX_QUOTE);
        int certType = certTypeOffset(q);
        byte[] chain = pem(pck, pckCa, root).getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(q, certType + 6 + chain.length);
        ByteBuffer le = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        le.putShort(certType, (short) 5).putInt(certType + 2, chain.length);
        System.arraycopy(chain, 0, out, certType + 6, chain.length);
        le.putInt(432, out.length - 436);

        KeyPair attestation = RejectionSupport.ec("secp256r1");
        var w = ((ECPublicKey) attestation.getPublic()).getW();
        byte[] key = new byte[64];
        byte[] x = w.getAffineX().toByteArray();
        byte[] y = w.getAffineY().toByteArray();
        System.arraycopy(x, Math.max(0, x.length - 32), key, 32 - Math.min(32, x.length), Math.min(32, x.length));
        System.arraycopy(y, Math.max(0, y.length - 32), key, 64 - Math.min(32, y.length), Math.min(32, y.length));
        System.arraycopy(key, 0, out, 500, 64);
        byte[] auth = Arrays.copyOfRange(out, AUTH_LENGTH + 2, certType);
        byte[] binding = MessageDigest.getInstance("SHA-256").digest(concat(key, auth));
        Arrays.fill(out, 564 + 320, 564 + 384, (byte) 0);
        System.arraycopy(binding, 0, out, 564 + 320, 32);
        if (pckKey.getPrivate().getAlgorithm().equals("EC")) {
            System.arraycopy(signP1363(pckKey.getPrivate(), Arrays.copyOfRange(out, 564, 948)), 0, out, 948, 64);
        }
        System.arraycopy(signP1363(attestation.getPrivate(), Arrays.copyOfRange(out, 0, 432)), 0, out, 436, 64);
        return out;
    }

    public DcapCollateral collateral(UnaryOperator<ObjectNode> tcbInfo, UnaryOperator<ObjectNode> qeIdentity) throws Exception {
        DcapCollateral real = DcapCollateral.parse(TestVectors.bytes(SGX_COLLATERAL));
        String tcb = tcbInfo.apply((ObjectNode) JSON.readTree(real.tcbInfo())).toString();
        String qe = qeIdentity.apply((ObjectNode) JSON.readTree(real.qeIdentity())).toString();
        ObjectNode c = JSON.createObjectNode();
        c.put("tcb_info", tcb);
        c.put("tcb_info_signature", HEX.formatHex(signP1363(signingKey.getPrivate(), tcb.getBytes(StandardCharsets.UTF_8))));
        c.put("tcb_info_issuer_chain", pem(tcbSigning, root));
        c.put("qe_identity", qe);
        c.put("qe_identity_signature", HEX.formatHex(signP1363(signingKey.getPrivate(), qe.getBytes(StandardCharsets.UTF_8))));
        c.put("qe_identity_issuer_chain", pem(tcbSigning, root));
        c.put("pck_crl", HEX.formatHex(pckCrl().getEncoded()));
        c.put("root_ca_crl", HEX.formatHex(rootCrl().getEncoded()));
        return DcapCollateral.parse(c.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The PCK CA's CRL, listing {@link #revokedPcks}. */
    public X509CRL pckCrl() {
        return RejectionSupport.crl(pckCa, caKey.getPrivate(), from, to, revokedPcks);
    }

    /** The root CA's CRL, listing {@link #revokedCas}. */
    public X509CRL rootCrl() {
        return RejectionSupport.crl(root, rootKey.getPrivate(), from, to, revokedCas);
    }

    /** The TCB info as Intel PCS answers {@code GET /sgx/certification/v4/tcb}: the signed text and its signature. */
    public String pcsTcbInfo() throws Exception {
        DcapCollateral c = collateral(UnaryOperator.identity(), UnaryOperator.identity());
        return "{\"tcbInfo\":" + c.tcbInfo() + ",\"signature\":\"" + HEX.formatHex(c.tcbInfoSignature()) + "\"}";
    }

    /** The QE identity as Intel PCS answers {@code GET /sgx/certification/v4/qe/identity}. */
    public String pcsQeIdentity() throws Exception {
        DcapCollateral c = collateral(UnaryOperator.identity(), UnaryOperator.identity());
        return "{\"enclaveIdentity\":" + c.qeIdentity() + ",\"signature\":\"" + HEX.formatHex(c.qeIdentitySignature()) + "\"}";
    }

    /** The issuer chain PCS sends in {@code TCB-Info-Issuer-Chain} and {@code SGX-Enclave-Identity-Issuer-Chain}. */
    public String tcbIssuerChain() throws Exception {
        return pem(tcbSigning, root);
    }

    /** The issuer chain PCS sends in {@code SGX-PCK-CRL-Issuer-Chain}. */
    public String pckCrlIssuerChain() throws Exception {
        return pem(pckCa, root);
    }

    /** The quote with its PCK chain replaced by an encrypted PPID (type 3), as quotes made without a PCCS carry. */
    public static byte[] withEncryptedPpid(byte[] q) {
        int certType = MintedIntel.certTypeOffset(q);
        byte[] data = new byte[384 + 20];
        Arrays.fill(data, 0, 384, (byte) 0xab);
        for (int i = 0; i < 16; i++) {
            data[384 + i] = (byte) (i + 1);
        }
        data[400] = 13; // PCESVN 13, little-endian; PCE ID 0
        byte[] out = Arrays.copyOf(q, certType + 6 + data.length);
        ByteBuffer le = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        le.putShort(certType, (short) 3).putInt(certType + 2, data.length);
        System.arraycopy(data, 0, out, certType + 6, data.length);
        le.putInt(432, out.length - 436);
        return out;
    }

    /** Where the v3 quote's certification data type is: after the QE authentication data. */
    public static int certTypeOffset(byte[] q) {
        int authLength = ByteBuffer.wrap(q, AUTH_LENGTH, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        return AUTH_LENGTH + 2 + authLength;
    }

    static String pem(X509Certificate... certs) throws Exception {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : certs) {
            out.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return out.toString();
    }

    static byte[] signP1363(PrivateKey key, byte[] data) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
