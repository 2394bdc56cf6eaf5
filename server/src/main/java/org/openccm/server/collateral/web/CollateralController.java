// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openccm.server.account.Roles;
import java.util.UUID;
import org.openccm.server.collateral.CollateralBundles;
import org.openccm.server.collateral.VendorCollateral;
import org.openccm.server.identity.Caller;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What vendor collateral the server holds, from where, and until when it is current. */
@RestController
@Tag(name = "Collateral")
class CollateralController {
    private final VendorCollateral collateral;
    private final CollateralBundles bundles;
    private final Clock clock;

    CollateralController(VendorCollateral collateral, CollateralBundles bundles, Clock clock) {
        this.collateral = collateral;
        this.bundles = bundles;
        this.clock = clock;
    }

    record ImportResponse(UUID importId, int items, int vceks, String exporterKeySha256, long exportedAt) {}

    @GetMapping("/v1/collateral/bundle")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Export the collateral cache as one bundle signed by this server, for air-gapped servers")
    ResponseEntity<byte[]> exportBundle() {
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"openccm-collateral.json\"")
                .body(bundles.export());
    }

    @PostMapping(path = "/v1/collateral/bundle", consumes = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE})
    @PreAuthorize(Roles.ADMIN)
    @Operation(summary = "Import a collateral bundle: every item is verified against the vendor roots, then the bundle's signature")
    ImportResponse importBundle(@AuthenticationPrincipal Caller caller, @RequestBody byte[] bundle) {
        CollateralBundles.Imported i = bundles.importBundle(caller, bundle);
        return new ImportResponse(i.id(), i.items(), i.vceks(), i.exporterKeySha256(), i.exportedAt().getEpochSecond());
    }

    /**
     * {@code current}: whether the item is inside its validity window now; VCEKs have {@code next_update} null.
     * {@code verification}: what is checked on the item (on import, and at every use).
     */
    record CachedItem(String key, String vendor, String kind, String source, long fetchedAt, Long validFrom, Long nextUpdate, boolean current,
            String verification) {}

    record CollateralList(List<CachedItem> items) {}

    static String verification(String kind) {
        return switch (kind) {
            case "tcb-info", "qe-identity" -> "Intel's signature over the exact JSON, issuer chain to the pinned Intel SGX Root CA; validity window";
            case "pck-crl" -> "signed by the PCK's CA, chained to the pinned Intel SGX Root CA; thisUpdate/nextUpdate";
            case "root-ca-crl" -> "signed by the pinned Intel SGX Root CA; thisUpdate/nextUpdate";
            case "pck-cert" -> "chain to the pinned Intel SGX Root CA, checked with the PCK CRLs; signs the quote's QE report";
            case "amd-crl" -> "signed by the product's pinned ARK (RSASSA-PSS); thisUpdate/nextUpdate";
            case "nvidia-rim" -> "XML signature, chain to the pinned NVIDIA CoRIM root, OCSP of that chain";
            case "vcek" -> "chain to the product's pinned ASK and ARK; verified a report of this chip at this TCB";
            default -> "verified at every use";
        };
    }

    @GetMapping("/v1/collateral")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The vendor collateral the server has cached (Intel TCB info, QE identities, CRLs; AMD VCEKs and CRLs; NVIDIA RIMs)")
    CollateralList list() {
        Instant now = clock.instant();
        List<CachedItem> items = new ArrayList<>();
        collateral.cached().forEach(i -> items.add(new CachedItem(i.key(), i.vendor(), i.kind(), i.source(), i.fetchedAt().getEpochSecond(),
                i.validFrom().getEpochSecond(), i.nextUpdate().getEpochSecond(), i.currentAt(now), verification(i.kind()))));
        collateral.cachedVceks().forEach(v -> items.add(new CachedItem("amd:vcek:" + v.chipId().substring(0, 16) + "...:" + Long.toHexString(v.reportedTcb()),
                "amd", "vcek", "verified report", v.createdAt().getEpochSecond(), null, null, true, verification("vcek"))));
        return new CollateralList(items);
    }
}
