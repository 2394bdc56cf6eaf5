// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.openccm.attestation.Hex;
import org.openccm.attestation.dcap.PckRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Intel's Provisioning Certification Service (or a PCCS) API v4: TCB info per FMSPC and QE identity, for SGX and TDX,
 * with their issuer chains from the {@code TCB-Info-Issuer-Chain} and {@code SGX-Enclave-Identity-Issuer-Chain}
 * headers; PCK CRLs ({@code SGX-PCK-CRL-Issuer-Chain}); and the root CA's CRL from its own URL.
 */
final class IntelPcs {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final String base;
    private final String rootCrlUrl;
    private final VendorHttp http;
    private final Clock clock;

    IntelPcs(String base, String rootCrlUrl, VendorHttp http, Clock clock) {
        this.base = VendorHttp.configured(base);
        this.rootCrlUrl = VendorHttp.configured(rootCrlUrl);
        this.http = http;
        this.clock = clock;
    }

    boolean enabled() {
        return !base.isEmpty();
    }

    static String tcbInfoKey(String fmspc, boolean tdx) {
        return "intel:tcb-info:" + (tdx ? "tdx" : "sgx") + ":" + fmspc.toLowerCase(Locale.ROOT);
    }

    static String qeIdentityKey(boolean tdx) {
        return "intel:qe-identity:" + (tdx ? "tdx" : "sgx");
    }

    static String pckCrlKey(String ca) {
        return "intel:pck-crl:" + ca;
    }

    static final String ROOT_CRL_KEY = "intel:root-ca-crl";

    /** The platform a PCK request names: the encrypted PPID's digest (the PPID itself is not kept), its SVNs and PCE ID. */
    static String pckCertificateKey(PckRequest r) {
        return "intel:pck-cert:" + Hex.of(sha256(r.encryptedPpid())).substring(0, 32) + ":" + r.cpuSvn() + ":" + r.pceSvn() + ":" + r.pceId();
    }

    /**
     * The PCK certificate of a platform that names itself by its encrypted PPID ({@code GET
     * /sgx/certification/v4/pckcert}); kept as PEM: the PCK, then the issuer chain of the
     * {@code SGX-PCK-Certificate-Issuer-Chain} header. Valid while the PCK certificate is.
     */
    Optional<Item> pckCertificate(PckRequest r) throws VendorHttp.Unavailable {
        String url = base + "/sgx/certification/v4/pckcert?encrypted_ppid=" + r.encryptedPpid() + "&cpusvn=" + r.cpuSvn() + "&pcesvn=" + r.pceSvn()
                + "&pceid=" + r.pceId();
        Optional<HttpResponse<byte[]>> response = http.get(url);
        if (response.isEmpty()) {
            return Optional.empty();
        }
        String issuers = chain(response.get(), "SGX-PCK-Certificate-Issuer-Chain");
        if (issuers == null) {
            throw new IllegalArgumentException(url + " answered without the SGX-PCK-Certificate-Issuer-Chain header");
        }
        byte[] pem = (new String(response.get().body(), StandardCharsets.US_ASCII).strip() + "\n" + issuers.strip() + "\n").getBytes(StandardCharsets.US_ASCII);
        X509Certificate pck;
        try {
            pck = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(response.get().body()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(url + " did not answer a PEM certificate", e);
        }
        // The request's encrypted PPID stays out of the stored source: it names a machine.
        return Optional.of(new Item(pckCertificateKey(r), "intel", "pck-cert", base + "/sgx/certification/v4/pckcert", pem, null,
                pck.getNotBefore().toInstant(), pck.getNotAfter().toInstant(), clock.instant()));
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<Item> tcbInfo(String fmspc, boolean tdx) throws VendorHttp.Unavailable {
        String url = base + "/" + (tdx ? "tdx" : "sgx") + "/certification/v4/tcb?fmspc=" + fmspc.toUpperCase(Locale.ROOT);
        return signedJson(tcbInfoKey(fmspc, tdx), "tcb-info", url, "tcbInfo", "TCB-Info-Issuer-Chain");
    }

    Optional<Item> qeIdentity(boolean tdx) throws VendorHttp.Unavailable {
        String url = base + "/" + (tdx ? "tdx" : "sgx") + "/certification/v4/qe/identity";
        return signedJson(qeIdentityKey(tdx), "qe-identity", url, "enclaveIdentity", "SGX-Enclave-Identity-Issuer-Chain");
    }

    /** @param ca {@code processor} or {@code platform} */
    Optional<Item> pckCrl(String ca) throws VendorHttp.Unavailable {
        String url = base + "/sgx/certification/v4/pckcrl?ca=" + ca + "&encoding=der";
        Optional<HttpResponse<byte[]>> response = http.get(url);
        if (response.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(crl(pckCrlKey(ca), "pck-crl", url, response.get().body(), chain(response.get(), "SGX-PCK-CRL-Issuer-Chain")));
    }

    Optional<Item> rootCaCrl() throws VendorHttp.Unavailable {
        if (rootCrlUrl.isEmpty()) {
            return Optional.empty();
        }
        Optional<HttpResponse<byte[]>> response = http.get(rootCrlUrl);
        return response.map(r -> crl(ROOT_CRL_KEY, "root-ca-crl", rootCrlUrl, r.body(), null));
    }

    private Optional<Item> signedJson(String key, String kind, String url, String field, String chainHeader) throws VendorHttp.Unavailable {
        Optional<HttpResponse<byte[]>> response = http.get(url);
        if (response.isEmpty()) {
            return Optional.empty();
        }
        byte[] body = response.get().body();
        JsonNode document;
        try {
            document = JSON.readTree(body).path(field);
        } catch (RuntimeException e) {
            throw new VendorHttp.Unavailable(url + " did not answer with JSON", e);
        }
        try {
            Instant issued = Instant.parse(document.path("issueDate").asString());
            Instant next = Instant.parse(document.path("nextUpdate").asString());
            return Optional.of(new Item(key, "intel", kind, url, body, chain(response.get(), chainHeader), issued, next, clock.instant()));
        } catch (java.time.format.DateTimeParseException e) {
            throw new VendorHttp.Unavailable(url + " answered " + field + " without issueDate/nextUpdate", e);
        }
    }

    private Item crl(String key, String kind, String url, byte[] der, String chain) {
        try {
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
            Instant next = crl.getNextUpdate() == null ? crl.getThisUpdate().toInstant() : crl.getNextUpdate().toInstant();
            return new Item(key, "intel", kind, url, der, chain, crl.getThisUpdate().toInstant(), next, clock.instant());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(url + " did not answer with a DER CRL", e);
        }
    }

    private static String chain(HttpResponse<?> response, String header) {
        return response.headers().firstValue(header).map(v -> URLDecoder.decode(v, StandardCharsets.UTF_8)).orElse(null);
    }

    /**
     * The signed part of a PCS body ({@code {"tcbInfo":{...},"signature":"..."}}): the text of the object under
     * {@code field}, exactly as sent, since Intel signs those bytes and any re-serialisation would not verify.
     */
    static String signedText(byte[] body, String field) {
        String text = new String(body, StandardCharsets.UTF_8);
        int key = text.indexOf("\"" + field + "\"");
        int start = key < 0 ? -1 : text.indexOf('{', key + field.length() + 2);
        if (start < 0) {
            throw new IllegalArgumentException("no " + field + " object");
        }
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return text.substring(start, i + 1);
            }
        }
        throw new IllegalArgumentException("the " + field + " object does not end");
    }

    static String signature(byte[] body) {
        return JSON.readTree(body).path("signature").asString();
    }
}
