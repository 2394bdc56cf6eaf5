// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.pki.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.cert.CRLException;
import java.util.List;
import java.util.UUID;
import org.openccm.server.identity.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.pki.CertificateService;
import org.openccm.server.pki.IssuedCertificate;
import org.openccm.server.pki.Pem;
import org.openccm.server.web.Page;
import org.openccm.server.web.SearchMetadata;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Certificates")
class CertificateController {
    private static final MediaType PEM = MediaType.parseMediaType("application/x-pem-file");
    private final CertificateService certificates;

    CertificateController(CertificateService certificates) {
        this.certificates = certificates;
    }

    record CertificateResponse(
            UUID certificateId,
            String serial,
            UUID appId,
            UUID buildId,
            String platform,
            String subject,
            List<String> dnsNames,
            long notBefore,
            long notAfter,
            Long revokedAt,
            String revocationReason,
            String certificate,
            String status,
            String csr,
            UUID nodeId) {
        static CertificateResponse of(IssuedCertificate c) {
            return new CertificateResponse(
                    c.id(),
                    c.serial(),
                    c.appId(),
                    c.buildId(),
                    c.platform(),
                    c.subject(),
                    c.dnsNames(),
                    c.notBefore().getEpochSecond(),
                    c.notAfter().getEpochSecond(),
                    c.revokedAt() == null ? null : c.revokedAt().getEpochSecond(),
                    c.revocationReason(),
                    c.certificatePem(),
                    c.revokedAt() == null ? "ISSUED" : "REVOKED",
                    null,
                    c.nodeId());
        }
    }

    record CertificateListResponse(SearchMetadata metadata, List<CertificateResponse> items) {}

    record RevokeRequest(String reason) {}

    @GetMapping("/v1/certificates")
    @PreAuthorize(Roles.READ)
    CertificateListResponse list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(name = "app_id", required = false) UUID appId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Integer offset) {
        Page page = Page.of(limit, offset);
        UUID account = caller.account();
        int filtered = certificates.count(account, appId);
        return new CertificateListResponse(
                page.metadata(certificates.count(account, null), filtered),
                certificates.list(account, appId, page.limit(), page.offset()).stream()
                        .map(CertificateResponse::of)
                        .toList());
    }

    @GetMapping("/v1/certificates/{cert-id}")
    @PreAuthorize(Roles.READ)
    CertificateResponse get(@AuthenticationPrincipal Caller caller, @PathVariable("cert-id") UUID id) {
        return CertificateResponse.of(certificates.get(caller.account(), id));
    }

    @PostMapping("/v1/certificates/{cert-id}/revoke")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Revoke a certificate; it appears on the account's CRL")
    CertificateResponse revoke(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("cert-id") UUID id,
            @RequestBody(required = false) RevokeRequest request) {
        return CertificateResponse.of(certificates.revoke(caller, id, request == null ? null : request.reason()));
    }

    @GetMapping(path = "/v1/pki/ca")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The account's CA certificates (PEM) that relying parties should trust: the current one first, then"
            + " the next one when made (POST /v1/zones/{id}/certificates) and the previous ones after rotations")
    ResponseEntity<String> ca(@AuthenticationPrincipal Caller caller) {
        return ResponseEntity.ok().contentType(PEM).body(certificates.trustedPem(caller.account()));
    }

    @GetMapping(path = "/v1/pki/crl")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The account's certificate revocation lists (PEM): the current CA's, then one per previous CA, each"
            + " signed by the CA that issued the certificates it lists")
    ResponseEntity<String> crl(@AuthenticationPrincipal Caller caller) throws CRLException {
        StringBuilder pem = new StringBuilder();
        for (var crl : certificates.crls(caller.account())) {
            pem.append(Pem.of("X509 CRL", crl.getEncoded()));
        }
        return ResponseEntity.ok().contentType(PEM).body(pem.toString());
    }
}
