// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.openccm.attestation.snp.AmdProduct;
import org.openccm.attestation.snp.TcbVersion;

/**
 * AMD's Key Distribution Service: a chip's VCEK at a reported TCB ({@code /vcek/v1/{product}/{hwid}?blSPL=...}) and
 * each product's CRL ({@code /vcek/v1/{product}/crl}, signed by the ARK, listing revoked ASKs and ASVKs).
 * Requests are spaced by {@code minInterval} (the KDS answers about one request per 10 s per address) and a 429 is
 * retried after its Retry-After; callers keep what they get, so a VCEK is fetched once per chip and TCB.
 */
final class AmdKds {
    private final String base;
    private final Duration minInterval;
    private final VendorHttp http;
    private final Clock clock;
    private long lastRequestNanos;

    AmdKds(String base, Duration minInterval, VendorHttp http, Clock clock) {
        this.base = VendorHttp.configured(base);
        this.minInterval = minInterval;
        this.http = http;
        this.clock = clock;
    }

    boolean enabled() {
        return !base.isEmpty();
    }

    String url(AmdProduct product, byte[] chipId, long reportedTcb) {
        TcbVersion tcb = TcbVersion.decode(reportedTcb, product);
        // Turin's hwID is the first 8 bytes of CHIP_ID, and its TCB has an FMC SPL.
        byte[] hwid = product == AmdProduct.TURIN ? Arrays.copyOf(chipId, 8) : chipId;
        return base + "/vcek/v1/" + product.kdsName() + "/" + HexFormat.of().formatHex(hwid)
                + (product == AmdProduct.TURIN ? "?fmcSPL=" + tcb.fmc() + "&" : "?")
                + "blSPL=" + tcb.bootLoader() + "&teeSPL=" + tcb.tee() + "&snpSPL=" + tcb.snp() + "&ucodeSPL=" + tcb.microcode();
    }

    /** The VCEK (DER), or empty when the KDS has none for this chip and TCB. */
    Optional<byte[]> vcek(AmdProduct product, byte[] chipId, long reportedTcb) throws VendorHttp.Unavailable {
        return spaced(url(product, chipId, reportedTcb)).map(HttpResponse::body);
    }

    static String crlKey(AmdProduct product) {
        return "amd:crl:" + product.kdsName();
    }

    /** The ARK's CRL for this product ({@code /vcek/v1/{product}/crl}, DER), kept as AMD sent it. */
    Optional<Item> crl(AmdProduct product) throws VendorHttp.Unavailable {
        String url = base + "/vcek/v1/" + product.kdsName() + "/crl";
        Optional<HttpResponse<byte[]>> response = spaced(url);
        if (response.isEmpty()) {
            return Optional.empty();
        }
        byte[] der = response.get().body();
        X509CRL crl;
        try {
            crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(url + " did not answer a DER CRL", e);
        }
        Instant next = crl.getNextUpdate() == null ? crl.getThisUpdate().toInstant().plus(Duration.ofDays(7)) : crl.getNextUpdate().toInstant();
        return Optional.of(new Item(crlKey(product), "amd", "amd-crl", url, der, null, crl.getThisUpdate().toInstant(), next, clock.instant()));
    }

    private synchronized Optional<HttpResponse<byte[]>> spaced(String url) throws VendorHttp.Unavailable {
        long since = System.nanoTime() - lastRequestNanos;
        if (lastRequestNanos != 0 && since < minInterval.toNanos()) {
            VendorHttp.sleep(Duration.ofNanos(minInterval.toNanos() - since));
        }
        try {
            return http.get(url);
        } finally {
            lastRequestNanos = System.nanoTime();
        }
    }
}
