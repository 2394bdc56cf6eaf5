// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.openccm.attestation.CollateralSource;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.Hex;
import org.openccm.attestation.dcap.DcapCollateral;
import org.openccm.attestation.dcap.PckRequest;
import org.openccm.attestation.snp.AmdProduct;
import org.openccm.attestation.snp.SnpReport;
import org.openccm.attestation.x509.CertificateChains;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The server's {@link CollateralSource}: what the cache holds while it is current at the verification instant, else
 * what the vendor service answers (then cached), else what the cache holds anyway (the verifier then says why it is
 * not good enough). VCEKs that verified a report are kept by chip and TCB, so the KDS is asked once per chip and TCB.
 * NVIDIA's RIMs come the same way (by the ids a GPU report names) and its OCSP responder is reached through here.
 */
@Component
public class VendorCollateral implements CollateralSource {
    private static final Logger log = LoggerFactory.getLogger(VendorCollateral.class);
    private final CollateralStore store;
    private final IntelPcs intel;
    private final AmdKds amd;
    private final NvidiaRimService nvidiaRims;
    private final NvidiaOcsp nvidiaOcsp;

    VendorCollateral(
            CollateralStore store,
            Clock clock,
            @Value("${openccm.collateral.intel.base-url:}") String intelBase,
            @Value("${openccm.collateral.intel.root-ca-crl-url:}") String intelRootCrl,
            @Value("${openccm.collateral.amd.base-url:}") String amdBase,
            @Value("${openccm.collateral.amd.min-interval:PT10S}") Duration amdInterval,
            @Value("${openccm.collateral.nvidia.rim-url:}") String nvidiaRimBase,
            @Value("${openccm.collateral.nvidia.ocsp-url:}") String nvidiaOcspUrl,
            io.micrometer.core.instrument.MeterRegistry registry) {
        this.store = store;
        VendorHttp http = new VendorHttp();
        this.intel = new IntelPcs(intelBase, intelRootCrl, http.measured("intel", registry), clock);
        this.amd = new AmdKds(amdBase, amdInterval, http.measured("amd", registry), clock);
        this.nvidiaRims = new NvidiaRimService(nvidiaRimBase, http.measured("nvidia-rim", registry), clock);
        this.nvidiaOcsp = new NvidiaOcsp(nvidiaOcspUrl, http.measured("nvidia-ocsp", registry), clock);
    }

    /** The RIM (SWID XML) NVIDIA publishes under this id: from the cache while its signer is valid, else fetched. */
    public Optional<byte[]> nvidiaRim(String id, Instant now) {
        return item(NvidiaRimService.key(id), now, nvidiaRims.enabled(), () -> nvidiaRims.rim(id)).map(Item::body);
    }

    /** NVIDIA's OCSP responder, for the device and RIM certificates of a GPU attestation. */
    public NvidiaOcsp nvidiaOcsp() {
        return nvidiaOcsp;
    }

    /** Something the vendor service gives; may be unavailable. */
    private interface Fetch {
        Optional<Item> get() throws VendorHttp.Unavailable;
    }

    @Override
    public Optional<DcapCollateral> intel(String fmspc, boolean tdx, String pckCa, Instant now) throws EvidenceRejected {
        boolean online = intel.enabled();
        Optional<Item> tcb = item(IntelPcs.tcbInfoKey(fmspc, tdx), now, online, () -> intel.tcbInfo(fmspc, tdx));
        Optional<Item> qe = item(IntelPcs.qeIdentityKey(tdx), now, online, () -> intel.qeIdentity(tdx));
        Optional<Item> pck = item(IntelPcs.pckCrlKey(pckCa), now, online, () -> intel.pckCrl(pckCa));
        Optional<Item> root = item(IntelPcs.ROOT_CRL_KEY, now, online, intel::rootCaCrl);
        if (tcb.isEmpty() || qe.isEmpty()) {
            return Optional.empty();
        }
        // A CRL that cannot be had is left out: the verifier's revocation policy decides (fail-closed by default).
        try {
            return Optional.of(new DcapCollateral(
                    IntelPcs.signedText(tcb.get().body(), "tcbInfo"),
                    HexFormat.of().parseHex(IntelPcs.signature(tcb.get().body())),
                    chain(tcb.get(), "collateral.tcb_info_issuer_chain"),
                    IntelPcs.signedText(qe.get().body(), "enclaveIdentity"),
                    HexFormat.of().parseHex(IntelPcs.signature(qe.get().body())),
                    chain(qe.get(), "collateral.qe_identity_issuer_chain"),
                    pck.map(VendorCollateral::crl).orElse(null),
                    root.map(VendorCollateral::crl).orElse(null)));
        } catch (IllegalArgumentException e) {
            throw new EvidenceRejected(Reason.MALFORMED, "collateral", "Intel's answer (" + tcb.get().source() + ") is not PCS's format: " + e.getMessage());
        }
    }

    @Override
    public Optional<byte[]> amdVcek(SnpReport report, Instant now) {
        Optional<byte[]> cached = store.vcek(Hex.of(report.chipId()), report.reportedTcb());
        if (cached.isPresent() || !amd.enabled()) {
            return cached;
        }
        // Reports before version 3 do not say their product: Milan, then Genoa (Turin reports are version 5).
        List<AmdProduct> products = report.product().map(List::of).orElse(List.of(AmdProduct.MILAN, AmdProduct.GENOA));
        for (AmdProduct product : products) {
            try {
                Optional<byte[]> vcek = amd.vcek(product, report.chipId(), report.reportedTcb());
                if (vcek.isPresent()) {
                    return vcek;
                }
            } catch (VendorHttp.Unavailable e) {
                log.warn("AMD KDS: {}", e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<byte[]> intelPckCertificate(PckRequest request, Instant now) {
        return item(IntelPcs.pckCertificateKey(request), now, intel.enabled(), () -> intel.pckCertificate(request)).map(Item::body);
    }

    @Override
    public Optional<byte[]> amdCrl(AmdProduct product, Instant now) {
        return item(AmdKds.crlKey(product), now, amd.enabled(), () -> amd.crl(product)).map(Item::body);
    }

    @Override
    public void verifiedVcek(byte[] chipId, long reportedTcb, X509Certificate vcek) {
        try {
            store.putVcek(Hex.of(chipId), reportedTcb, vcek.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Fetches this cached item again from its vendor; true when a new copy was stored. Used by
     * {@link CollateralRefresher} for items close to their nextUpdate.
     */
    boolean refresh(Item cached) {
        boolean online = switch (cached.vendor()) {
            case "amd" -> amd.enabled();
            case "nvidia" -> nvidiaRims.enabled();
            default -> intel.enabled();
        };
        if (!online) {
            return false;
        }
        String[] key = cached.key().split(":");
        Fetch fetch = switch (cached.kind()) {
            case "nvidia-rim" -> () -> nvidiaRims.rim(key[2]);
            case "amd-crl" -> () -> amd.crl(AmdProduct.fromProductName(key[2]));
            case "tcb-info" -> () -> intel.tcbInfo(key[3], "tdx".equals(key[2]));
            case "qe-identity" -> () -> intel.qeIdentity("tdx".equals(key[2]));
            case "pck-crl" -> () -> intel.pckCrl(key[2]);
            case "root-ca-crl" -> intel::rootCaCrl;
            default -> Optional::empty;
        };
        try {
            Optional<Item> fetched = fetch.get();
            fetched.ifPresent(store::put);
            return fetched.isPresent();
        } catch (VendorHttp.Unavailable | IllegalArgumentException e) {
            log.warn("{}: cannot refresh {}: {}", cached.vendor(), cached.key(), e.getMessage());
            return false;
        }
    }

    /** What is cached, for GET /v1/collateral. */
    public List<Item> cached() {
        return store.all();
    }

    public List<CollateralStore.CachedVcek> cachedVceks() {
        return store.vceks();
    }

    private Optional<Item> item(String key, Instant now, boolean online, Fetch fetch) {
        Optional<Item> cached = store.find(key, now);
        if (cached.isPresent() && cached.get().currentAt(now)) {
            return cached;
        }
        if (!online) {
            return cached;
        }
        try {
            Optional<Item> fetched = fetch.get();
            fetched.ifPresent(store::put);
            // The vendor's newest may not be current yet at an earlier verification instant: a kept version may be.
            return fetched.isPresent() && (fetched.get().currentAt(now) || cached.isEmpty()) ? fetched : cached;
        } catch (VendorHttp.Unavailable | IllegalArgumentException e) {
            log.warn("{}; using {}", e.getMessage(), cached.isPresent() ? "the cached item" : "nothing");
            return cached;
        }
    }

    private static List<X509Certificate> chain(Item item, String field) throws EvidenceRejected {
        if (item.issuerChain() == null || item.issuerChain().isBlank()) {
            throw new EvidenceRejected(Reason.MALFORMED, field, "the answer of " + item.source() + " had no issuer chain header");
        }
        return CertificateChains.parseAll(field, item.issuerChain().getBytes(StandardCharsets.US_ASCII));
    }

    private static X509CRL crl(Item item) {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(item.body()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(item.source() + " is not a DER CRL", e);
        }
    }
}
