// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.zone.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.openccm.server.account.Roles;
import org.openccm.server.identity.Caller;
import org.openccm.server.pki.CertificateService;
import org.openccm.server.pki.Pem;
import org.openccm.server.zone.JoinToken;
import org.openccm.server.zone.Zone;
import org.openccm.server.zone.ZoneService;
import org.openccm.server.web.NodeEnrollment;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fortanix CCM's zones (GET /v1/zones, /v1/zones/{zone-id}, /v1/zones/{zone-id}/certificates) and OpenCCM's join
 * tokens for them. Workloads send a join token as {@code Authorization: Bearer ojt_...} to POST
 * /v1/attestation/challenge and POST /v1/attestation, and can reach nothing else with it.
 */
@RestController
@Tag(name = "Zones")
class ZoneController {
    /** Seconds between a node's attestations, as the agent is told (Fortanix's node_refresh_interval). */
    static final long NODE_REFRESH_INTERVAL = 86_400;
    /** Percent of a certificate's lifetime left when the agent renews it (Fortanix's node_renewal_threshold). */
    static final long NODE_RENEWAL_THRESHOLD = 20;

    private final ZoneService zones;
    private final CertificateService certificates;

    ZoneController(ZoneService zones, CertificateService certificates) {
        this.zones = zones;
        this.certificates = certificates;
    }

    /** Fortanix's Zone; {@code certificate} is the zone's CA (the account CA), PEM. */
    record ZoneResponse(
            UUID acctId,
            UUID zoneId,
            String name,
            String description,
            boolean isDefault,
            String certificate,
            long nodeRefreshInterval,
            long nodeRenewalThreshold,
            NodeEnrollment nodeEnrollment,
            long createdAt) {}

    /**
     * Fortanix's ZoneCertificates. A zone's CA is its account's: every zone of an account shows (and rotates) the
     * same CA.
     */
    record ZoneCertificates(String currentCertificate, String nextCertificate, List<String> previousCertificates) {
        static ZoneCertificates of(org.openccm.server.pki.CertificateAuthority.Generations g) {
            return new ZoneCertificates(Pem.of(g.current()), g.next().map(Pem::of).orElse(null),
                    g.previous().stream().map(Pem::of).toList());
        }
    }

    /** Fortanix's ZoneCertificateCreateResponse. */
    record ZoneCertificateCreated(String nextCertificate) {}

    /** {@code expires_in}: seconds, 60 to 31,536,000 (default 30 days). */
    record JoinTokenRequest(String name, Long expiresIn) {}

    /** {@code token} is present only in the answer that made or rotated it. */
    record JoinTokenResponse(
            UUID tokenId, UUID zoneId, String name, long createdAt, long expiresAt, Long rotatedAt, Long revokedAt, Long lastUsedAt,
            String token) {
        static JoinTokenResponse of(JoinToken t, String secret) {
            return new JoinTokenResponse(t.id(), t.zoneId(), t.name(), t.createdAt().getEpochSecond(), t.expiresAt().getEpochSecond(),
                    seconds(t.rotatedAt()), seconds(t.revokedAt()), seconds(t.lastUsedAt()), secret);
        }

        private static Long seconds(java.time.Instant at) {
            return at == null ? null : at.getEpochSecond();
        }
    }

    record JoinTokenList(List<JoinTokenResponse> items) {}

    @GetMapping("/v1/zones")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "List the zones of the selected account")
    List<ZoneResponse> list(@AuthenticationPrincipal Caller caller) {
        UUID account = caller.account();
        String ca = certificates.caPem(account);
        return zones.list(account).stream().map(z -> response(z, ca)).toList();
    }

    @GetMapping("/v1/zones/{zone-id}")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Get a zone")
    ZoneResponse get(@AuthenticationPrincipal Caller caller, @PathVariable("zone-id") UUID zoneId) {
        UUID account = caller.account();
        return response(zones.get(account, zoneId), certificates.caPem(account));
    }

    @GetMapping("/v1/zones/{zone-id}/certificates")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The zone's CA certificates: the current one (which issues), the next one when made, the previous ones")
    ZoneCertificates certificates(@AuthenticationPrincipal Caller caller, @PathVariable("zone-id") UUID zoneId) {
        UUID account = caller.account();
        zones.get(account, zoneId);
        return ZoneCertificates.of(certificates.caGenerations(account));
    }

    @PostMapping("/v1/zones/{zone-id}/certificates")
    @PreAuthorize(Roles.ADMIN)
    @Operation(summary = "Make the next CA certificate (a new P-384 key), to be published to relying parties before it is"
            + " used; 409 while one waits to be rotated to. The zone's CA is its account's.")
    ZoneCertificateCreated createCertificate(@AuthenticationPrincipal Caller caller, @PathVariable("zone-id") UUID zoneId) {
        zones.get(caller.account(), zoneId);
        return new ZoneCertificateCreated(Pem.of(certificates.createNextCa(caller)));
    }

    @PostMapping("/v1/zones/{zone-id}/certificates/rotate")
    @PreAuthorize(Roles.ADMIN)
    @Operation(summary = "Rotate: the next CA certificate issues from now on, the current one becomes previous (its"
            + " certificates stay valid, and its CRL is still published); 409 without a next one")
    ZoneCertificates rotateCertificate(@AuthenticationPrincipal Caller caller, @PathVariable("zone-id") UUID zoneId) {
        zones.get(caller.account(), zoneId);
        return ZoneCertificates.of(certificates.rotateCa(caller));
    }

    @PostMapping("/v1/zones/{zone-id}/tokens")
    @PreAuthorize(Roles.ADMIN)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Make a join token for workloads of the zone; the secret (token) is in this answer only")
    JoinTokenResponse createToken(
            @AuthenticationPrincipal Caller caller, @PathVariable("zone-id") UUID zoneId, @RequestBody(required = false) JoinTokenRequest request) {
        JoinTokenRequest r = request == null ? new JoinTokenRequest(null, null) : request;
        ZoneService.Issued issued = zones.createToken(caller, zoneId, r.name(), lifetime(r.expiresIn()));
        return JoinTokenResponse.of(issued.token(), issued.secret());
    }

    /** Fortanix's ZoneJoinToken. */
    record ZoneJoinToken(String token) {}

    @GetMapping("/v1/zones/{zone-id}/token")
    @PreAuthorize(Roles.ADMIN)
    @Operation(summary = "Fortanix's way to get a zone's join token: each call makes a new one with the default lifetime"
            + " (secrets are kept hashed, so an earlier one cannot be shown again; list and revoke them under /tokens)")
    ZoneJoinToken joinToken(@AuthenticationPrincipal Caller caller, @PathVariable("zone-id") UUID zoneId) {
        return new ZoneJoinToken(zones.createToken(caller, zoneId, "join token (GET /v1/zones/{zone-id}/token)", null).secret());
    }

    @GetMapping("/v1/zones/{zone-id}/tokens")
    @PreAuthorize(Roles.ADMIN)
    @Operation(summary = "List the zone's join tokens (never their secrets)")
    JoinTokenList tokens(@AuthenticationPrincipal Caller caller, @PathVariable("zone-id") UUID zoneId) {
        return new JoinTokenList(zones.tokens(caller.account(), zoneId).stream().map(t -> JoinTokenResponse.of(t, null)).toList());
    }

    @PostMapping("/v1/zones/{zone-id}/tokens/{token-id}/rotate")
    @PreAuthorize(Roles.ADMIN)
    @Operation(summary = "Give a join token a new secret (the old one stops working at once) and a new expiry")
    JoinTokenResponse rotate(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("zone-id") UUID zoneId,
            @PathVariable("token-id") UUID tokenId,
            @RequestBody(required = false) JoinTokenRequest request) {
        ZoneService.Issued issued = zones.rotateToken(caller, zoneId, tokenId, lifetime(request == null ? null : request.expiresIn()));
        return JoinTokenResponse.of(issued.token(), issued.secret());
    }

    @DeleteMapping("/v1/zones/{zone-id}/tokens/{token-id}")
    @PreAuthorize(Roles.ADMIN)
    @Operation(summary = "Revoke a join token")
    JoinTokenResponse revoke(
            @AuthenticationPrincipal Caller caller, @PathVariable("zone-id") UUID zoneId, @PathVariable("token-id") UUID tokenId) {
        return JoinTokenResponse.of(zones.revokeToken(caller, zoneId, tokenId), null);
    }

    private static Duration lifetime(Long seconds) {
        return seconds == null ? null : Duration.ofSeconds(seconds);
    }

    private static ZoneResponse response(Zone z, String ca) {
        return new ZoneResponse(z.accountId(), z.id(), z.name(), z.description(), z.isDefault(), ca, NODE_REFRESH_INTERVAL,
                NODE_RENEWAL_THRESHOLD, NodeEnrollment.ENFORCED, z.createdAt().getEpochSecond());
    }
}
