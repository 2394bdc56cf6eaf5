// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.gpu.RimVerifier;
import org.openccm.attestation.snp.AmdProduct;
import org.openccm.attestation.snp.SnpVerifier;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.attestation.x509.Crls;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.InvalidField;
import org.openccm.server.identity.Caller;
import org.openccm.server.keys.ServerKeys;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Offline collateral for air-gapped sites: the cache exported as one bundle signed by this server's key, and bundles
 * imported after every item is verified again against the vendor roots (Intel's signatures and chains, CRL
 * signatures, VCEK chains to AMD's ARKs), then the bundle's signature. A bundle is {@code {"payload": "<JSON text>",
 * "public_key": "<base64 SPKI>", "signature": "<base64 ES256 over the payload's UTF-8>"}}.
 */
@Service
public class CollateralBundles {
    public static final String FORMAT = "openccm-collateral-bundle/1";
    private static final String KEY_NAME = "collateral-bundle";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final CollateralStore store;
    private final JdbcClient jdbc;
    private final ServerKeys serverKeys;
    private final AuditLog audit;
    private final Clock clock;
    private final X509Certificate intelRoot = DcapVerifier.intelRoot();
    private final SnpVerifier amd = SnpVerifier.withAmdRoots();
    private final RimVerifier nvidiaRims = RimVerifier.withNvidiaRoot();

    CollateralBundles(CollateralStore store, JdbcClient jdbc, ServerKeys serverKeys, AuditLog audit, Clock clock) {
        this.store = store;
        this.jdbc = jdbc;
        this.serverKeys = serverKeys;
        this.audit = audit;
        this.clock = clock;
    }

    public record Imported(UUID id, int items, int vceks, String exporterKeySha256, Instant exportedAt) {}

    /** The whole cache as a signed bundle. */
    @Transactional
    public byte[] export() {
        ObjectNode payload = JSON.createObjectNode().put("format", FORMAT).put("exported_at", clock.instant().toString());
        ArrayNode items = payload.putArray("items");
        Base64.Encoder b64 = Base64.getEncoder();
        for (Item i : store.all()) {
            items.addObject().put("key", i.key()).put("vendor", i.vendor()).put("kind", i.kind()).put("source", i.source())
                    .put("body", b64.encodeToString(i.body())).put("issuer_chain", i.issuerChain())
                    .put("valid_from", i.validFrom().toString()).put("next_update", i.nextUpdate().toString())
                    .put("fetched_at", i.fetchedAt().toString());
        }
        ArrayNode vceks = payload.putArray("vceks");
        for (CollateralStore.CachedVcek v : store.vceks()) {
            vceks.addObject().put("chip_id", v.chipId()).put("reported_tcb", v.reportedTcb()).put("certificate", b64.encodeToString(v.certificate()));
        }
        String text = payload.toString();
        KeyPair key = serverKeys.key(KEY_NAME);
        ObjectNode bundle = JSON.createObjectNode()
                .put("payload", text)
                .put("public_key", b64.encodeToString(key.getPublic().getEncoded()))
                .put("signature", b64.encodeToString(ServerKeys.sign(key.getPrivate(), text.getBytes(StandardCharsets.UTF_8))));
        return bundle.toPrettyString().getBytes(StandardCharsets.UTF_8);
    }

    /** Verifies every item and the bundle's signature, then adds the items to the cache; nothing is kept on refusal. */
    @Transactional
    public Imported importBundle(Caller caller, byte[] bundleBytes) {
        JsonNode bundle;
        JsonNode payload;
        try {
            bundle = JSON.readTree(bundleBytes);
            payload = JSON.readTree(bundle.path("payload").asString(""));
        } catch (RuntimeException e) {
            throw new InvalidField("bundle", "not an OpenCCM collateral bundle (JSON with payload, public_key, signature)");
        }
        if (!FORMAT.equals(payload.path("format").asString(""))) {
            throw new InvalidField("bundle.payload.format", "must be " + FORMAT);
        }
        List<Item> items = new ArrayList<>();
        JsonNode list = payload.path("items");
        for (int i = 0; i < list.size(); i++) {
            items.add(verifiedItem(list.get(i), "bundle.items[" + i + "]"));
        }
        List<CollateralStore.CachedVcek> vceks = new ArrayList<>();
        JsonNode vcekList = payload.path("vceks");
        for (int i = 0; i < vcekList.size(); i++) {
            vceks.add(verifiedVcek(vcekList.get(i), "bundle.vceks[" + i + "]"));
        }
        PublicKey exporter = exporterKey(bundle);
        if (!verify(exporter, payload, bundle)) {
            throw new InvalidField("bundle.signature", "does not verify with the bundle's public_key: the bundle was changed");
        }
        Instant exportedAt = instant(payload.path("exported_at"), "bundle.payload.exported_at");
        items.forEach(store::put);
        vceks.forEach(v -> store.putVcek(v.chipId(), v.reportedTcb(), v.certificate()));
        String fingerprint = ServerKeys.fingerprint(exporter);
        UUID id = UUID.randomUUID();
        UUID account = caller.account();
        jdbc.sql("INSERT INTO collateral_imports (id, account_id, exporter_key_sha256, exported_at, items, imported_at) VALUES (?,?,?,?,?,?)")
                .params(id, account, fingerprint, Timestamp.from(exportedAt), items.size() + vceks.size(), Timestamp.from(clock.instant()))
                .update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("exporter_key_sha256", fingerprint);
        details.put("exported_at", exportedAt.toString());
        details.put("items", items.size());
        details.put("vceks", vceks.size());
        audit.append(account, caller.actor(), "collateral.bundle_imported", "collateral_import", id, details);
        return new Imported(id, items.size(), vceks.size(), fingerprint, exportedAt);
    }

    private Item verifiedItem(JsonNode n, String field) {
        String key = n.path("key").asString("");
        String where = field + " (" + key + ")";
        try {
            byte[] body = Base64.getDecoder().decode(n.path("body").asString(""));
            Instant validFrom = instant(n.path("valid_from"), where + ".valid_from");
            String chain = n.path("issuer_chain").isNull() ? null : n.path("issuer_chain").asString(null);
            String kind = n.path("kind").asString("");
            switch (kind) {
                case "tcb-info" -> signedJson(body, "tcbInfo", chain, validFrom);
                case "qe-identity" -> signedJson(body, "enclaveIdentity", chain, validFrom);
                case "pck-crl" -> crl(body).verify(chainToIntel(chain, validFrom).getFirst().getPublicKey());
                case "root-ca-crl" -> crl(body).verify(intelRoot.getPublicKey());
                case "pck-cert" -> CertificateChains.verify(CertificateChains.parseAll(where, body), List.of("PCK", "PCK CA", "Intel SGX Root CA"),
                        List.of(intelRoot), validFrom);
                case "nvidia-rim" -> nvidiaRims.verify(body, VerificationContext.at(validFrom));
                case "amd-crl" -> {
                    AmdProduct product = AmdProduct.fromProductName(key.substring(key.lastIndexOf(':') + 1));
                    X509Certificate ark = amd.pinned(product).orElseThrow().ark();
                    SnpVerifier.checkCrl(Crls.parse(body, where), ark, where, validFrom, Duration.ZERO, new ArrayList<>());
                }
                default -> throw new InvalidField(where, "kind " + kind + " is not one OpenCCM keeps");
            }
            return new Item(key, n.path("vendor").asString("intel"), kind, n.path("source").asString("bundle"), body, chain, validFrom,
                    instant(n.path("next_update"), where + ".next_update"), instant(n.path("fetched_at"), where + ".fetched_at"));
        } catch (InvalidField e) {
            throw e;
        } catch (EvidenceRejected e) {
            throw new InvalidField(where, "does not verify against its vendor's root: " + e.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            // a changed body may no longer even parse (JSON, DER): refused the same way, naming the item
            throw new InvalidField(where, "does not verify against its vendor's root: " + e.getMessage());
        }
    }

    private CollateralStore.CachedVcek verifiedVcek(JsonNode n, String field) {
        try {
            byte[] der = Base64.getDecoder().decode(n.path("certificate").asString(""));
            X509Certificate vcek = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            amd.verifyVcek(vcek, vcek.getNotBefore().toInstant());
            String chip = n.path("chip_id").asString("");
            if (!chip.matches("[0-9a-f]{128}")) {
                throw new InvalidField(field + ".chip_id", "must be 128 lower-case hex digits");
            }
            return new CollateralStore.CachedVcek(chip, n.path("reported_tcb").asLong(), der, clock.instant());
        } catch (InvalidField e) {
            throw e;
        } catch (EvidenceRejected | GeneralSecurityException | RuntimeException e) {
            throw new InvalidField(field, "is not a VCEK that chains to AMD's root: " + e.getMessage());
        }
    }

    private void signedJson(byte[] body, String field, String chain, Instant at) throws EvidenceRejected, GeneralSecurityException {
        List<X509Certificate> certificates = chainToIntel(chain, at);
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initVerify(certificates.getFirst().getPublicKey());
        ecdsa.update(IntelPcs.signedText(body, field).getBytes(StandardCharsets.UTF_8));
        if (!ecdsa.verify(HexFormat.of().parseHex(IntelPcs.signature(body)))) {
            throw new IllegalArgumentException("the " + field + " signature does not verify");
        }
    }

    /** The issuer chain as Intel sent it, ending at the pinned root, valid when the item was issued. */
    private List<X509Certificate> chainToIntel(String chain, Instant at) throws EvidenceRejected {
        if (chain == null || chain.isBlank()) {
            throw new IllegalArgumentException("no issuer chain");
        }
        List<X509Certificate> certificates = new ArrayList<>(CertificateChains.parseAll("issuer_chain", chain.getBytes(StandardCharsets.US_ASCII)));
        if (certificates.isEmpty() || !certificates.getLast().equals(intelRoot)) {
            certificates.add(intelRoot);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < certificates.size(); i++) {
            names.add(i == certificates.size() - 1 ? "Intel SGX Root CA" : "issuer_chain[" + i + "]");
        }
        CertificateChains.verify(certificates, names, List.of(intelRoot), at);
        return certificates;
    }

    private static X509CRL crl(byte[] der) throws GeneralSecurityException {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }

    private static PublicKey exporterKey(JsonNode bundle) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(bundle.path("public_key").asString(""))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidField("bundle.public_key", "not a base64 EC public key");
        }
    }

    private static boolean verify(PublicKey key, JsonNode payload, JsonNode bundle) {
        try {
            return ServerKeys.verify(key, bundle.path("payload").asString("").getBytes(StandardCharsets.UTF_8),
                    Base64.getDecoder().decode(bundle.path("signature").asString("")));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Instant instant(JsonNode value, String field) {
        try {
            return Instant.parse(value.asString(""));
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidField(field, "not an ISO-8601 instant");
        }
    }

}
