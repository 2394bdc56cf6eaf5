// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.VerifiedEvidence;
import org.openccm.attestation.dcap.MintedIntel;
import org.openccm.attestation.dcap.TcbPolicy;
import org.openccm.attestation.sgx.SgxVerifier;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.TestFiles;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Collateral the evidence does not carry, fetched from a local server that answers in the vendors' API shapes (Intel
 * PCS v4 paths, query parameters and issuer-chain headers; AMD KDS paths, 429 with Retry-After) with the real
 * recorded collateral: SGX and TDX quotes and an SEV-SNP report verify with nothing but the evidence, a 429 is retried
 * after its delay, and an unreachable service leaves the still-valid cache in use.
 */
class CollateralFetchTest extends ApiTest {
    private static final Vendor VENDOR = new Vendor();

    @Autowired
    private JdbcClient jdbc;

    @Autowired
    private CollateralRefresher refresher;

    @Autowired
    private CollateralStore store;

    @DynamicPropertySource
    static void vendorServices(DynamicPropertyRegistry registry) {
        registry.add("openccm.collateral.intel.base-url", () -> VENDOR.url(""));
        registry.add("openccm.collateral.intel.root-ca-crl-url", () -> VENDOR.url("/IntelSGXRootCA.der"));
        registry.add("openccm.collateral.amd.base-url", () -> VENDOR.url(""));
        registry.add("openccm.collateral.amd.min-interval", () -> "PT0S");
        registry.add("openccm.collateral.amd.revocation", () -> "fail-closed"); // the default (the suite's is fail-open)
        // The recorded platforms are not up to date: accepted here so that verification runs to its end.
        registry.add("openccm.attestation.dcap.accepted-tcb-statuses",
                () -> "UpToDate,SWHardeningNeeded,ConfigurationAndSWHardeningNeeded,OutOfDate");
    }

    @BeforeEach
    void account() {
        api.logInToNewAccount();
        VENDOR.down.set(false);
        VENDOR.kdsTooManyRequests.set(0);
        VENDOR.counts.clear();
        VENDOR.noPckCrl.set(false);
        VENDOR.noAmdCrl.set(false);
        VENDOR.noPckCertificate.set(false);
        // Each test starts with an empty cache (only this class's server fetches collateral).
        jdbc.sql("DELETE FROM collateral_items").update();
    }

    @AfterEach
    void up() {
        VENDOR.down.set(false);
        VENDOR.minted.set(null);
        jdbc.sql("DELETE FROM collateral_items").update();
    }

    @Test
    void anSgxQuoteVerifiesWithCollateralFromPcsAndThenFromTheCacheWhenPcsIsDown() {
        VENDOR.rootCrl.set("sgx-dcap/collateral-phala-sgx-2025-06/root-ca-crl.der");

        JsonNode online = explain("SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-01T00:00:00Z");
        VENDOR.down.set(true);
        JsonNode offline = explain("SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-01T00:00:00Z");

        assertThat(online.path("verified").asBoolean()).as(online.toString()).isTrue();
        assertThat(online.at("/measured/tcb_status").asString()).isEqualTo("ConfigurationAndSWHardeningNeeded");
        assertThat(VENDOR.requests("/sgx/certification/v4/tcb?fmspc=00A067110000")).isEqualTo(1);
        assertThat(VENDOR.requests("/sgx/certification/v4/pckcrl?ca=processor&encoding=der")).isEqualTo(1);
        assertThat(offline.path("verified").asBoolean()).as("from the cache, PCS being down").isTrue();
        JsonNode cached = api.get("/v1/collateral").expect(200).body().path("items");
        assertThat(cached.toString()).contains("intel:tcb-info:sgx:00a067110000", VENDOR.url("/sgx/certification/v4/qe/identity"));
        assertThat(cached.findValuesAsString("verification")).as("each item says what is checked on it")
                .contains("signed by the PCK's CA, chained to the pinned Intel SGX Root CA; thisUpdate/nextUpdate");
    }

    @Test
    void pastItsNextUpdateCachedCollateralIsUsedOnlyWithinTheGraceAndSaysSo() {
        VENDOR.rootCrl.set("sgx-dcap/collateral-phala-sgx-2025-06/root-ca-crl.der");
        explain("SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-01T00:00:00Z");
        VENDOR.down.set(true);

        JsonNode stale = explain("SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-20T12:00:00Z");
        JsonNode tooLate = explain("SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-30T00:00:00Z");

        assertThat(stale.path("verified").asBoolean()).as(stale.toString()).isTrue();
        assertThat(stale.path("collateral_warnings").toString())
                .contains("collateral.tcb_info", "collateral.qe_identity", "collateral.pck_crl", "grace");
        assertThat(tooLate.path("verified").asBoolean()).isFalse();
        assertThat(tooLate.path("reason").asString()).isEqualTo("EXPIRED");
        JsonNode fresh = explain("SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-01T00:00:00Z");
        assertThat(fresh.has("collateral_warnings")).as("current collateral gives no warning").isFalse();
    }

    @Test
    void itemsNearTheirNextUpdateAreFetchedAgainInTheBackgroundAndKeptWhenTheVendorIsDown() {
        VENDOR.rootCrl.set("sgx-dcap/collateral-phala-sgx-2025-06/root-ca-crl.der");
        explain("SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-01T00:00:00Z");
        VENDOR.counts.clear();

        // The recorded items are long past their nextUpdate by the server's clock: all are due.
        int refreshed = refresher.refreshDue();
        int tcbInfoRequests = VENDOR.requests("/sgx/certification/v4/tcb?fmspc=00A067110000");
        int rootCrlRequests = VENDOR.requests("/IntelSGXRootCA.der");
        VENDOR.down.set(true);
        int whileDown = refresher.refreshDue();

        assertThat(refreshed).isEqualTo(4);
        assertThat(tcbInfoRequests).isEqualTo(1);
        assertThat(rootCrlRequests).isEqualTo(1);
        assertThat(whileDown).isZero();
        JsonNode items = api.get("/v1/collateral").expect(200).body().path("items");
        assertThat(items.findValuesAsString("vendor").stream().filter("intel"::equals)).as("nothing is dropped").hasSize(4);
    }

    @Test
    void aPckCrlThatCannotBeObtainedRefusesTheQuoteByDefault() {
        VENDOR.rootCrl.set("sgx-dcap/collateral-phala-sgx-2025-06/root-ca-crl.der");
        VENDOR.noPckCrl.set(true);

        JsonNode e = explain("SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-01T00:00:00Z");

        assertThat(e.path("verified").asBoolean()).isFalse();
        assertThat(e.path("field").asString()).isEqualTo("collateral.pck_crl");
        assertThat(e.path("detail").asString()).contains("fail-closed");
    }

    @Test
    void aPckCrlFromPcsThatListsThePckMakesTheQuoteFail() throws Exception {
        // No Intel-signed CRL lists a sample's PCK: a minted Intel (the real quote and collateral re-signed) stands in
        // for PCS, and the verifier trusts its root, as it would Intel's.
        MintedIntel intel = new MintedIntel();
        VENDOR.minted.set(intel);
        SgxVerifier sgx = new SgxVerifier(intel.verifier(), new TcbPolicy(List.of("UpToDate", "ConfigurationAndSWHardeningNeeded")));
        var metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        VendorCollateral pcs = new VendorCollateral(
                store, Clock.systemUTC(), VENDOR.url(""), VENDOR.url("/IntelSGXRootCA.der"), "off", Duration.ZERO, "off", "off", metrics);
        VerificationContext context = VerificationContext.at(Instant.parse("2025-07-01T00:00:00Z")).collateral(pcs);
        Evidence quote = new Evidence(intel.quote(), null, null);

        VerifiedEvidence good = sgx.verify(quote, context);
        jdbc.sql("DELETE FROM collateral_items").update();
        intel.revokedPcks = new java.math.BigInteger[] {intel.pck.getSerialNumber()};

        assertThat(good.measurement().describe().toString()).contains("ConfigurationAndSWHardeningNeeded");
        assertThat(VENDOR.requests("/sgx/certification/v4/pckcrl?ca=processor&encoding=der")).isEqualTo(1);
        // TCB info, QE identity, PCK CRL and root CRL: each fetch counted under its vendor and outcome.
        assertThat(metrics.get("openccm.collateral.fetches").tags("vendor", "intel", "outcome", "fetched").timer().count())
                .isEqualTo(4);
        assertThatThrownBy(() -> sgx.verify(quote, context)).isInstanceOfSatisfying(EvidenceRejected.class, e -> {
            assertThat(e.reason()).isEqualTo(EvidenceRejected.Reason.CHAIN);
            assertThat(e.field()).isEqualTo("PCK");
            assertThat(e.getMessage()).contains("is revoked (serial " + intel.pck.getSerialNumber().toString(16) + ")");
        });
        assertThat(VENDOR.requests("/sgx/certification/v4/pckcrl?ca=processor&encoding=der")).as("fetched again, now listing the PCK").isEqualTo(2);
    }

    @Test
    void aQuoteNamingItsPlatformByEncryptedPpidGetsItsPckCertificateFromPcs() throws Exception {
        VENDOR.rootCrl.set("sgx-dcap/collateral-phala-sgx-2025-06/root-ca-crl.der");
        byte[] quote = MintedIntel.withEncryptedPpid(Files.readAllBytes(TestFiles.vector("sgx-dcap/phala-sgx-v3-quote.bin")));

        JsonNode e = explainBytes("SGX", quote, "2025-07-01T00:00:00Z");
        explainBytes("SGX", quote, "2025-07-01T00:00:00Z");
        int asked = VENDOR.requests("/sgx/certification/v4/pckcert?encrypted_ppid=" + "ab".repeat(384)
                + "&cpusvn=0102030405060708090a0b0c0d0e0f10&pcesvn=0d00&pceid=0000");
        VENDOR.noPckCertificate.set(true);
        jdbc.sql("DELETE FROM collateral_items WHERE kind = 'pck-cert'").update();
        JsonNode none = explainBytes("SGX", quote, "2025-07-01T00:00:00Z");

        assertThat(e.path("verified").asBoolean()).as(e.toString()).isTrue();
        assertThat(asked).as("asked once, then cached").isEqualTo(1);
        assertThat(none.path("verified").asBoolean()).isFalse();
        assertThat(none.path("field").asString()).isEqualTo("quote.certification_data");
        assertThat(none.path("detail").asString()).contains("Intel's PCK certificate for it cannot be had");
    }

    @Test
    void aTdxQuoteVerifiesWithTdxCollateralFromPcs() {
        VENDOR.rootCrl.set("tdx/collateral-00806f050000-2025-02/intel-root-ca-crl.der");

        JsonNode e = explain("TDX", "tdx/automata-tdx-v4-quote-00806f050000.bin", "2025-03-01T00:00:00Z");

        assertThat(e.path("verified").asBoolean()).as(e.toString()).isTrue();
        assertThat(e.at("/measured/tcb_status").asString()).isEqualTo("OutOfDate");
        assertThat(VENDOR.requests("/tdx/certification/v4/tcb?fmspc=00806F050000")).isEqualTo(1);
        assertThat(VENDOR.requests("/tdx/certification/v4/qe/identity")).isEqualTo(1);
        assertThat(VENDOR.requests("/sgx/certification/v4/pckcrl?ca=platform&encoding=der")).isEqualTo(1);
    }

    @Test
    void anSnpReportVerifiesWithItsVcekFromTheKdsWhichIsAskedOnceAndRetriedAfterA429() throws IOException {
        byte[] report = Files.readAllBytes(TestFiles.vector("sev-snp/msft-tav-milan-aci-report.bin"));
        jdbc.sql("DELETE FROM snp_vcek_cache WHERE chip_id = ?").param(HexFormat.of().formatHex(Arrays.copyOfRange(report, 0x1A0, 0x1E0))).update();
        VENDOR.kdsTooManyRequests.set(1);
        int before = VENDOR.kdsRequests.get();  // counted across tests: the bundle test may have asked too
        long started = System.nanoTime();

        JsonNode first = explain("SEV_SNP", "sev-snp/msft-tav-milan-aci-report.bin", "2026-03-01T00:00:00Z");
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        JsonNode second = explain("SEV_SNP", "sev-snp/msft-tav-milan-aci-report.bin", "2026-03-01T00:00:00Z");

        assertThat(first.path("verified").asBoolean()).as(first.toString()).isTrue();
        assertThat(first.at("/measured/product").asString()).isEqualTo("Milan");
        assertThat(VENDOR.kdsRequests.get() - before).as("a 429, then the VCEK").isEqualTo(2);
        assertThat(seconds).as("waited for Retry-After").isGreaterThanOrEqualTo(1);
        assertThat(second.path("verified").asBoolean()).isTrue();
        assertThat(VENDOR.kdsRequests.get() - before).as("the VCEK is kept").isEqualTo(2);
        assertThat(VENDOR.lastKdsQuery.get()).startsWith("blSPL=").contains("&ucodeSPL=");
        assertThat(first.has("collateral_warnings")).as("AMD's CRL was fetched and is current: " + first).isFalse();
        assertThat(VENDOR.requests("/vcek/v1/Milan/crl")).as("the CRL is kept too").isEqualTo(1);
        assertThat(api.get("/v1/collateral").expect(200).body().path("items").toString()).contains("amd:crl:Milan", "amd-crl");
    }

    @Test
    void anSnpReportWhoseCrlCannotBeObtainedIsRefusedByDefault() {
        VENDOR.noAmdCrl.set(true);

        JsonNode e = explain("SEV_SNP", "sev-snp/msft-tav-milan-aci-report.bin", "2026-03-01T00:00:00Z");

        assertThat(e.path("verified").asBoolean()).isFalse();
        assertThat(e.path("field").asString()).isEqualTo("collateral.amd_crl");
        assertThat(e.path("detail").asString()).contains("AMD's CRL for Milan could not be obtained", "fail-closed");
    }

    @Test
    void aBundleExportedHereLetsAServerWithoutNetworkVerifyTheSameEvidenceAndAChangedBundleIsRefused() throws Exception {
        VENDOR.rootCrl.set("sgx-dcap/collateral-phala-sgx-2025-06/root-ca-crl.der");
        assertThat(explain("SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-01T00:00:00Z").path("verified").asBoolean()).isTrue();
        assertThat(explain("SEV_SNP", "sev-snp/msft-tav-milan-aci-report.bin", "2026-03-01T00:00:00Z").path("verified").asBoolean()).isTrue();
        // The TDX sample's instant predates the SGX root CRL: an earlier version of it is fetched and kept beside it.
        VENDOR.rootCrl.set("tdx/collateral-00806f050000-2025-02/intel-root-ca-crl.der");
        assertThat(explain("TDX", "tdx/automata-tdx-v4-quote-00806f050000.bin", "2025-03-01T00:00:00Z").path("verified").asBoolean()).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM collateral_items WHERE key = 'intel:root-ca-crl'").query(Integer.class).single()).isEqualTo(2);
        byte[] bundle = api.get("/v1/collateral/bundle").expect(200).raw().body().getBytes(StandardCharsets.UTF_8);

        try (var offline = offlineServer()) {
            Api other = apiOf(offline);
            other.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
            assertThat(explainAt(other, "SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-01T00:00:00Z").path("field").asString())
                    .as("nothing cached, no network").isEqualTo("collateral");

            JsonNode changed = Api.JSON.readTree(bundle);
            JsonNode payload = Api.JSON.readTree(changed.path("payload").asString());
            ObjectNode item = (ObjectNode) payload.path("items").path(0);
            byte[] body = Base64.getDecoder().decode(item.path("body").asString());
            body[body.length / 2] ^= 0x01;
            item.put("body", Base64.getEncoder().encodeToString(body));
            ((ObjectNode) changed).put("payload", payload.toString());
            Api.Response refused = other.postRaw("/v1/collateral/bundle", "application/json", changed.toString().getBytes(StandardCharsets.UTF_8));
            refused.expect(400);
            assertThat(refused.text("field")).startsWith("bundle.items[0]").contains(item.path("key").asString());

            JsonNode imported = other.postRaw("/v1/collateral/bundle", "application/json", bundle).expect(200).body();
            assertThat(imported.path("items").asInt()).as("SGX, TDX: TCB info, QE identity, PCK CRL, root CRL; AMD's Milan CRL").isEqualTo(9);
            assertThat(imported.path("vceks").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(explainAt(other, "SGX", "sgx-dcap/phala-sgx-v3-quote.bin", "2025-07-01T00:00:00Z").path("verified").asBoolean()).isTrue();
            assertThat(explainAt(other, "SEV_SNP", "sev-snp/msft-tav-milan-aci-report.bin", "2026-03-01T00:00:00Z").path("verified").asBoolean())
                    .isTrue();
            assertThat(explainAt(other, "TDX", "tdx/automata-tdx-v4-quote-00806f050000.bin", "2025-03-01T00:00:00Z").path("verified").asBoolean())
                    .isTrue();
        }
    }

    /** A second server: its own empty database, no vendor service, the same first admin. */
    private static org.springframework.context.ConfigurableApplicationContext offlineServer() throws IOException {
        return anotherServer(org.openccm.server.TestPostgres.newDatabase(),
                "openccm.collateral.intel.base-url=off",
                "openccm.collateral.intel.root-ca-crl-url=off",
                "openccm.collateral.amd.base-url=off",
                "openccm.collateral.amd.revocation=fail-closed",
                "openccm.attestation.dcap.accepted-tcb-statuses=UpToDate,SWHardeningNeeded,ConfigurationAndSWHardeningNeeded,OutOfDate");
    }

    private static JsonNode explainAt(Api target, String platform, String evidence, String at) throws IOException {
        ObjectNode body = Api.object()
                .put("platform", platform)
                .put("evidence", Base64.getEncoder().encodeToString(Files.readAllBytes(TestFiles.vector(evidence))))
                .put("verification_time", Instant.parse(at).getEpochSecond());
        return target.post("/v1/attestation/explain", body).expect(200).body();
    }

    private JsonNode explainBytes(String platform, byte[] evidence, String at) {
        ObjectNode body = Api.object()
                .put("platform", platform)
                .put("evidence", Base64.getEncoder().encodeToString(evidence))
                .put("verification_time", Instant.parse(at).getEpochSecond());
        return api.post("/v1/attestation/explain", body).expect(200).body();
    }

    private JsonNode explain(String platform, String evidence, String at) {
        try {
            ObjectNode body = Api.object()
                    .put("platform", platform)
                    .put("evidence", Base64.getEncoder().encodeToString(Files.readAllBytes(TestFiles.vector(evidence))))
                    .put("verification_time", Instant.parse(at).getEpochSecond());
            return api.post("/v1/attestation/explain", body).expect(200).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Intel PCS and AMD KDS on loopback, answering with the recorded files. */
    static final class Vendor {
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicBoolean noPckCrl = new AtomicBoolean();
        final AtomicBoolean noAmdCrl = new AtomicBoolean();
        final AtomicBoolean noPckCertificate = new AtomicBoolean();
        final AtomicReference<String> rootCrl = new AtomicReference<>();
        /** When set, PCS answers for FMSPC 00A067110000 come from this minted Intel. */
        final AtomicReference<MintedIntel> minted = new AtomicReference<>();
        final AtomicInteger kdsTooManyRequests = new AtomicInteger();
        final AtomicInteger kdsRequests = new AtomicInteger();
        final AtomicReference<String> lastKdsQuery = new AtomicReference<>();
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        private final Loopback server = new Loopback(this::handle);

        String url(String path) {
            return server.url(path);
        }

        int requests(String pathAndQuery) {
            return counts.getOrDefault(pathAndQuery, new AtomicInteger()).get();
        }

        private void handle(HttpExchange x) throws IOException {
            String path = x.getRequestURI().getPath();
            String query = x.getRequestURI().getRawQuery();
            counts.computeIfAbsent(path + (query == null ? "" : "?" + query), k -> new AtomicInteger()).incrementAndGet();
            if (down.get()) {
                send(x, 503, new byte[0]);
                return;
            }
            if (minted.get() != null && mintedIntel(x, path, minted.get())) {
                return;
            }
            String phala = "sgx-dcap/collateral-phala-sgx-2025-06/";
            String tdx = "tdx/collateral-00806f050000-2025-02/";
            switch (path) {
                case "/sgx/certification/v4/tcb" -> signed(x, "00A067110000".equals(param(query, "fmspc")), phala + "tcbinfo.json",
                        "TCB-Info-Issuer-Chain", phala + "tcb-info-issuer-chain.pem");
                case "/sgx/certification/v4/qe/identity" -> signed(x, true, phala + "qe-identity.json",
                        "SGX-Enclave-Identity-Issuer-Chain", phala + "tcb-info-issuer-chain.pem");
                case "/tdx/certification/v4/tcb" -> signed(x, "00806F050000".equals(param(query, "fmspc")), tdx + "tcbinfo-tdx-v3-00806f050000.json",
                        "TCB-Info-Issuer-Chain", tdx + "tcb-signing-chain-2018.pem");
                case "/tdx/certification/v4/qe/identity" -> signed(x, true, tdx + "qe-identity-td-qe.json",
                        "SGX-Enclave-Identity-Issuer-Chain", tdx + "tcb-signing-chain-2018.pem");
                case "/sgx/certification/v4/pckcrl" -> {
                    if (noPckCrl.get()) {
                        send(x, 404, new byte[0]);
                        return;
                    }
                    boolean processor = "processor".equals(param(query, "ca"));
                    signed(x, "der".equals(param(query, "encoding")), processor ? phala + "pck-crl.der" : tdx + "pck-platform-ca-crl.der",
                            "SGX-PCK-CRL-Issuer-Chain", processor ? phala + "pck-crl-issuer-chain.pem" : tdx + "pck-crl-issuer-chain.pem");
                }
                case "/IntelSGXRootCA.der" -> send(x, 200, read(rootCrl.get()));
                case "/sgx/certification/v4/pckcert" -> {
                    if (noPckCertificate.get() || param(query, "encrypted_ppid") == null) {
                        send(x, 404, new byte[0]);
                        return;
                    }
                    // The platform's PCK, with its CA and the root in the issuer-chain header, as PCS answers.
                    String chain = new String(phalaPckChain(), StandardCharsets.US_ASCII);
                    int second = chain.indexOf("-----BEGIN CERTIFICATE-----", 1);
                    x.getResponseHeaders().add("SGX-PCK-Certificate-Issuer-Chain", URLEncoder.encode(chain.substring(second), StandardCharsets.UTF_8));
                    x.getResponseHeaders().add("SGX-FMSPC", "00A067110000");
                    send(x, 200, chain.substring(0, second).getBytes(StandardCharsets.US_ASCII));
                }
                case "/vcek/v1/Milan/crl" -> send(x, noAmdCrl.get() ? 404 : 200, noAmdCrl.get() ? new byte[0] : read("sev-snp/kds/amd-milan-crl-2025-05-06.der"));
                default -> {
                    if (path.startsWith("/vcek/v1/Milan/")) {
                        kdsRequests.incrementAndGet();
                        lastKdsQuery.set(query);
                        if (kdsTooManyRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            x.getResponseHeaders().add("Retry-After", "1");
                            send(x, 429, new byte[0]);
                        } else {
                            send(x, 200, der("sev-snp/msft-tav-milan-vcek.pem"));
                        }
                    } else {
                        send(x, 404, new byte[0]);
                    }
                }
            }
        }

        private boolean mintedIntel(HttpExchange x, String path, MintedIntel intel) throws IOException {
            try {
                switch (path) {
                    case "/sgx/certification/v4/tcb" -> {
                        header(x, "TCB-Info-Issuer-Chain", intel.tcbIssuerChain());
                        send(x, 200, intel.pcsTcbInfo().getBytes(StandardCharsets.UTF_8));
                    }
                    case "/sgx/certification/v4/qe/identity" -> {
                        header(x, "SGX-Enclave-Identity-Issuer-Chain", intel.tcbIssuerChain());
                        send(x, 200, intel.pcsQeIdentity().getBytes(StandardCharsets.UTF_8));
                    }
                    case "/sgx/certification/v4/pckcrl" -> {
                        header(x, "SGX-PCK-CRL-Issuer-Chain", intel.pckCrlIssuerChain());
                        send(x, 200, intel.pckCrl().getEncoded());
                    }
                    case "/IntelSGXRootCA.der" -> send(x, 200, intel.rootCrl().getEncoded());
                    default -> {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }

        private static void header(HttpExchange x, String name, String pem) {
            x.getResponseHeaders().add(name, URLEncoder.encode(pem, StandardCharsets.UTF_8));
        }

        private void signed(HttpExchange x, boolean known, String body, String header, String chain) throws IOException {
            if (!known) {
                send(x, 404, new byte[0]);
                return;
            }
            x.getResponseHeaders().add(header, URLEncoder.encode(new String(read(chain), StandardCharsets.US_ASCII), StandardCharsets.UTF_8));
            send(x, 200, read(body));
        }

        private static String param(String query, String name) {
            if (query == null) {
                return null;
            }
            return Arrays.stream(query.split("&")).filter(p -> p.startsWith(name + "=")).map(p -> p.substring(name.length() + 1)).findFirst().orElse(null);
        }

        private static byte[] phalaPckChain() {
            try {
                return org.openccm.attestation.dcap.DcapQuote.parse(read("sgx-dcap/phala-sgx-v3-quote.bin")).certificationData();
            } catch (org.openccm.attestation.EvidenceRejected e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] der(String pem) {
            try {
                return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(read(pem))).getEncoded();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] read(String vector) {
            try {
                return Files.readAllBytes(TestFiles.vector(vector));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void send(HttpExchange x, int status, byte[] body) throws IOException {
            Loopback.send(x, status, body);
        }
    }
}
