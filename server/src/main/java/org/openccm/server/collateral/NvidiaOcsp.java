// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.x509.CertificateChains;

/**
 * Asks NVIDIA's OCSP responder whether a certificate of a GPU's device chain or of a RIM's signing chain is revoked,
 * as NVIDIA's own verifiers do: one request per certificate (CertID by SHA-1, which NVIDIA's responder answers, and a
 * fresh nonce), POSTed as {@code application/ocsp-request}. The answer counts only when its responder certificate
 * chains to the same NVIDIA root as the certificate asked about, its signature verifies, it repeats the nonce and is
 * current: then GOOD passes, REVOKED and UNKNOWN refuse. A GOOD answer is kept until its nextUpdate (at most an hour).
 * A responder that cannot be reached, or answers no usable response, is {@link VendorHttp.Unavailable}: the caller's
 * revocation policy decides.
 */
public final class NvidiaOcsp {
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final String OCSP_SIGNING = "1.3.6.1.5.5.7.3.9";
    private static final Duration MAX_KEEP = Duration.ofHours(1);
    private final String url;
    private final VendorHttp http;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> good = new ConcurrentHashMap<>();

    NvidiaOcsp(String url, VendorHttp http, Clock clock) {
        this.url = VendorHttp.configured(url);
        this.http = http;
        this.clock = clock;
    }

    /** A checker that asks the responder at {@code url} (tests' loopback responders). */
    public static NvidiaOcsp at(String url, Clock clock) {
        return new NvidiaOcsp(url, new VendorHttp(), clock);
    }

    public boolean enabled() {
        return !url.isEmpty();
    }

    /** The responder could not give a usable answer: unreachable, a non-successful status, or unreadable. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Checks {@code chain.get(index)}, issued by {@code chain.get(index + 1)}; the chain ends at the pinned NVIDIA
     * root (the responder's certificate must chain to it). {@code field} names the certificate in a refusal.
     */
    public void check(List<X509Certificate> chain, int index, String field) throws EvidenceRejected, Unavailable {
        if (!enabled()) {
            throw new Unavailable("no NVIDIA OCSP responder is configured", null);
        }
        X509Certificate cert = chain.get(index);
        X509Certificate issuer = chain.get(index + 1);
        String cacheKey = CertificateChains.fingerprint(cert);
        Instant now = clock.instant();
        Instant keptUntil = good.get(cacheKey);
        if (keptUntil != null && now.isBefore(keptUntil)) {
            return;
        }
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        CertificateID id = certificateId(cert, issuer);
        byte[] request;
        try {
            request = new OCSPReqBuilder()
                    .addRequest(id)
                    .setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(nonce))))
                    .build()
                    .getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException("cannot build an OCSP request", e);
        }
        Optional<HttpResponse<byte[]>> response;
        try {
            response = http.post(url, "application/ocsp-request", request);
        } catch (VendorHttp.Unavailable e) {
            throw new Unavailable(e.getMessage(), e);
        }
        if (response.isEmpty()) {
            throw new Unavailable(url + " answered 404", null);
        }
        Instant next = verify(response.get().body(), id, nonce, chain, index, field, now);
        good.values().removeIf(until -> !now.isBefore(until)); // answers past their time are of no use: kept few
        good.put(cacheKey, next.isBefore(now.plus(MAX_KEEP)) ? next : now.plus(MAX_KEEP));
    }

    /** Checks one OCSP response about {@code id}; the instant until which its GOOD may be kept. */
    static Instant verify(byte[] der, CertificateID id, byte[] nonce, List<X509Certificate> chain, int index, String field, Instant now)
            throws EvidenceRejected, Unavailable {
        String where = field + ".ocsp";
        BasicOCSPResp basic;
        try {
            OCSPResp response = new OCSPResp(der);
            if (response.getStatus() != OCSPResp.SUCCESSFUL) {
                throw new Unavailable("NVIDIA's OCSP responder answered status " + response.getStatus() + " for " + field, null);
            }
            basic = (BasicOCSPResp) response.getResponseObject();
        } catch (IOException | OCSPException | ClassCastException e) {
            throw new Unavailable("NVIDIA's OCSP responder answered no readable OCSP response for " + field, e);
        }
        if (basic == null) {
            throw new Unavailable("NVIDIA's OCSP responder answered no basic response for " + field, null);
        }
        X509Certificate responder = responderCertificate(basic, chain, index, where, now);
        try {
            if (!basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder))) {
                throw new EvidenceRejected(Reason.SIGNATURE, where, "the OCSP response is not signed by its responder certificate");
            }
        } catch (OCSPException | OperatorCreationException e) {
            throw new EvidenceRejected(Reason.SIGNATURE, where, "the OCSP response's signature cannot be verified: " + e.getMessage());
        }
        Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (echoed == null || !Arrays.equals(nonceValue(echoed), nonce)) {
            throw new EvidenceRejected(Reason.BINDING, where, "the OCSP response does not answer this request's nonce (a replayed response?)");
        }
        SingleResp single = Arrays.stream(basic.getResponses()).filter(r -> r.getCertID().equals(id)).findFirst()
                .orElseThrow(() -> new EvidenceRejected(Reason.CHAIN, where, "the OCSP response says nothing about this certificate"));
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Instant nextUpdate = single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
        if (thisUpdate.isAfter(now.plus(SKEW)) || (nextUpdate != null && nextUpdate.isBefore(now.minus(SKEW)))) {
            throw new EvidenceRejected(Reason.EXPIRED, where, "the OCSP response is not current (" + thisUpdate + " .. " + nextUpdate + ")");
        }
        CertificateStatus status = single.getCertStatus();
        if (status instanceof RevokedStatus revoked) {
            String reason = revoked.hasRevocationReason() ? " (" + CRLReason.lookup(revoked.getRevocationReason()) + ")" : "";
            throw new EvidenceRejected(Reason.CHAIN, field, "is revoked by NVIDIA since " + revoked.getRevocationTime().toInstant() + reason);
        }
        if (status != CertificateStatus.GOOD) {
            throw new EvidenceRejected(Reason.CHAIN, field, "is unknown to NVIDIA's OCSP responder");
        }
        return nextUpdate == null ? now : nextUpdate;
    }

    static CertificateID certificateId(X509Certificate cert, X509Certificate issuer) {
        try {
            return new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(issuer), cert.getSerialNumber());
        } catch (OCSPException | OperatorCreationException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot name a certificate for OCSP", e);
        }
    }

    private static byte[] nonceValue(Extension extension) {
        ASN1OctetString value = extension.getExtnValue();
        try {
            // RFC 8954: the nonce is an OCTET STRING inside the extension value; some responders send it bare
            return ASN1OctetString.getInstance(value.getOctets()).getOctets();
        } catch (IllegalArgumentException e) {
            return value.getOctets();
        }
    }

    /**
     * The certificate that signed the response, chained to the same root as the certificate asked about: the
     * response's first certificate (with any others it carries as intermediates, and the rest of the asked chain).
     */
    private static X509Certificate responderCertificate(BasicOCSPResp basic, List<X509Certificate> chain, int index, String where, Instant now)
            throws EvidenceRejected {
        X509CertificateHolder[] carried = basic.getCerts();
        if (carried.length == 0) {
            throw new EvidenceRejected(Reason.CHAIN, where, "the OCSP response carries no responder certificate");
        }
        List<X509Certificate> pool = new ArrayList<>();
        try {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (X509CertificateHolder h : carried) {
                pool.add(converter.getCertificate(h));
            }
        } catch (CertificateException e) {
            throw new EvidenceRejected(Reason.CHAIN, where, "the OCSP response's certificate is unreadable");
        }
        X509Certificate responder = pool.getFirst();
        pool.addAll(chain.subList(index + 1, chain.size()));
        X509Certificate root = chain.getLast();
        List<X509Certificate> path = new ArrayList<>(List.of(responder));
        while (!path.getLast().equals(root)) {
            X509Certificate last = path.getLast();
            if (last.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
                path.add(root);
                break;
            }
            Optional<X509Certificate> next = pool.stream()
                    .filter(c -> !path.contains(c) && !c.equals(root) && c.getSubjectX500Principal().equals(last.getIssuerX500Principal()))
                    .findFirst();
            if (next.isEmpty() || path.size() > 8) {
                throw new EvidenceRejected(Reason.WRONG_ROOT, where, "the OCSP responder's certificate does not chain to "
                        + root.getSubjectX500Principal().getName());
            }
            path.add(next.get());
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < path.size(); i++) {
            names.add(i == 0 ? where + ".responder" : i == path.size() - 1 ? where + ".root" : where + ".intermediate" + i);
        }
        CertificateChains.verify(path, names, List.of(root), now);
        // RFC 6960 §4.2.2.2: a responder other than the issuer itself must be authorised for OCSP signing.
        if (!responder.equals(chain.get(index + 1))) {
            try {
                List<String> purposes = responder.getExtendedKeyUsage();
                if (purposes == null || !purposes.contains(OCSP_SIGNING)) {
                    throw new EvidenceRejected(Reason.CHAIN, where, "the OCSP responder's certificate is not for OCSP signing (no id-kp-OCSPSigning)");
                }
            } catch (java.security.cert.CertificateParsingException e) {
                throw new EvidenceRejected(Reason.CHAIN, where, "the OCSP responder's certificate has an unreadable extended key usage");
            }
        }
        return responder;
    }
}
