// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.node.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.server.account.Roles;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.NotFound;
import org.openccm.server.identity.Caller;
import org.openccm.server.node.Node;
import org.openccm.server.node.NodeService;
import org.openccm.server.pki.CertificateService;
import org.openccm.server.pki.IssuedCertificate;
import org.openccm.server.web.Page;
import org.openccm.server.web.SearchMetadata;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Fortanix CCM's compute nodes: every attested workload instance, and deactivation. */
@RestController
@Tag(name = "Nodes")
class NodeController {
    private final NodeService nodes;
    private final org.openccm.server.zone.ZoneService zones;
    private final CertificateService certificates;
    private final org.openccm.server.build.BuildService builds;

    NodeController(NodeService nodes, CertificateService certificates, org.openccm.server.build.BuildService builds,
            org.openccm.server.zone.ZoneService zones) {
        this.zones = zones;
        this.nodes = nodes;
        this.certificates = certificates;
        this.builds = builds;
    }

    /** {@code last_seen_at}: the last attestation (none yet for a PROVISIONED node). */
    record NodeStatus(String status, long createdAt, long statusUpdatedAt, Long lastSeenAt) {}

    /** Fortanix's Certificate (an issued one). */
    record CertificateInfo(UUID certificateId, String status, String certificate, UUID nodeId, UUID appId, UUID buildId) {
        static CertificateInfo of(IssuedCertificate c) {
            return new CertificateInfo(c.id(), c.revokedAt() == null ? "ISSUED" : "REVOKED", c.certificatePem(), c.nodeId(), c.appId(), c.buildId());
        }
    }

    /** Fortanix's AppNodeInfo: the app the node runs, with its latest certificate. */
    record AppNodeInfo(UUID nodeId, String nodeName, UUID appId, UUID buildId, long createdAt, CertificateInfo certificate) {
        static AppNodeInfo of(Node n, IssuedCertificate latest) {
            return new AppNodeInfo(n.id(), n.name(), n.appId(), n.buildId(), n.createdAt().getEpochSecond(), CertificateInfo.of(latest));
        }
    }

    /** Fortanix's SgxInfo; OpenCCM does not learn the platform software's version. */
    record SgxInfo(String version) {}

    /**
     * Fortanix's Node, with OpenCCM's additions: {@code measured} (what the last attestation measured, named as in
     * the image API), {@code attestation_count}, {@code build_id}.
     */
    record NodeResponse(
            UUID nodeId,
            String name,
            UUID acctId,
            UUID zoneId,
            NodeStatus status,
            Long attestedAt,
            String platform,
            String attestationType,
            String certificate,
            List<AppNodeInfo> apps,
            SgxInfo sgxInfo,
            UUID buildId,
            Map<String, String> measured,
            long attestationCount,
            String description,
            Map<String, String> labels,
            String ipaddress,
            Map<String, Object> sysInfo) {}

    /** Fortanix's NodeUpdateRequest: a JSON patch of the description and labels. */
    record NodeUpdateRequest(List<Map<String, Object>> patch) {}

    record NodeList(SearchMetadata metadata, List<NodeResponse> items) {}

    @GetMapping("/v1/nodes")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "List the attested workload instances of the selected account, most recently attested first")
    NodeList list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Integer offset) {
        UUID account = caller.account();
        String filter = name == null ? null : FieldRules.text("name", name, 200);
        Page page = Page.of(limit, offset);
        int total = nodes.count(account, null);
        int filtered = filter == null ? total : nodes.count(account, filter);
        List<NodeResponse> items = nodes.list(account, filter, page.limit(), page.offset()).stream().map(this::response).toList();
        return new NodeList(page.metadata(total, filtered), items);
    }

    @GetMapping("/v1/nodes/{node-id}")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Get a node")
    NodeResponse get(@AuthenticationPrincipal Caller caller, @PathVariable("node-id") UUID id) {
        return response(nodes.get(caller.account(), id));
    }

    /** Fortanix's NodeProvisionRequest. */
    record NodeProvisionRequest(String name, String description, String ipaddress, String sgxVersion, Map<String, Object> sysInfo,
            Object attestationRequest, Object errorReport) {}

    /** Fortanix's TaskStatus of the enrollment: INPROGRESS until the node attests. */
    record EnrollmentStatus(String status, long createdAt, long statusUpdatedAt) {}

    /** Fortanix's TaskResult: the node's enrollment, done when it attests (there is no approval task to follow). */
    record TaskResult(UUID nodeId, String taskType, EnrollmentStatus taskStatus) {}

    @PostMapping("/v1/nodes")
    @PreAuthorize(Roles.ADMIN + " or hasRole('WORKLOAD')")
    @Operation(summary = "Provision a node: register it by name in the join token's zone (or, for an ADMIN, the account's default"
            + " zone), PROVISIONED until its agent attests under that name (POST /v1/attestation/challenge, then POST"
            + " /v1/attestation with node_name). attestation_request is refused: OpenCCM's attestation is bound to a fresh nonce.")
    TaskResult provision(@AuthenticationPrincipal Caller caller, @RequestBody NodeProvisionRequest request) {
        FieldRules.absent("attestation_request", request.attestationRequest(),
                "OpenCCM attests a node with a fresh nonce: POST /v1/attestation/challenge, then POST /v1/attestation with node_name");
        FieldRules.required("ipaddress", request.ipaddress());
        FieldRules.required("sgx_version", request.sgxVersion());
        UUID zone = caller.workload() ? caller.zoneId() : zones.defaultZone(caller.account()).id();
        Node node = nodes.provision(caller,
                new NodeService.Provision(request.name(), request.description(), request.ipaddress(), request.sgxVersion(), request.sysInfo()), zone);
        long at = node.createdAt().getEpochSecond();
        return new TaskResult(node.id(), "NODE_ATTESTATION", new EnrollmentStatus("INPROGRESS", at, at));
    }

    @PatchMapping("/v1/nodes/{node-id}")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Change a node's description or labels (JSON patch: /description, /labels, /labels/<name>); its name"
            + " is the one its agent attests with")
    NodeResponse update(@AuthenticationPrincipal Caller caller, @PathVariable("node-id") UUID id, @RequestBody NodeUpdateRequest request) {
        return response(nodes.update(caller, id, request.patch()));
    }

    @PostMapping("/v1/nodes/{node-id}/deactivate")
    @PreAuthorize(Roles.WRITE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Deactivate a node: its certificates are revoked and it cannot attest again under its name")
    void deactivate(@AuthenticationPrincipal Caller caller, @PathVariable("node-id") UUID id) {
        nodes.deactivate(caller, id);
    }

    @GetMapping("/v1/nodes/{node-id}/certificate")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The certificate most recently issued to the node")
    CertificateInfo certificate(@AuthenticationPrincipal Caller caller, @PathVariable("node-id") UUID id) {
        return CertificateInfo.of(latest(caller.account(), id, null));
    }

    @GetMapping("/v1/nodes/{node-id}/certificates")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Every certificate issued to the node, newest first")
    List<CertificateInfo> certificates(@AuthenticationPrincipal Caller caller, @PathVariable("node-id") UUID id) {
        UUID account = caller.account();
        nodes.get(account, id);
        return certificates.forNode(account, id).stream().map(CertificateInfo::of).toList();
    }

    /**
     * Fortanix's CertificateDetails of an issued certificate. {@code cpusvn} and {@code ias_quote_status} belong to
     * SGX EPID attestation through Intel's IAS, which OpenCCM does not use: they are empty.
     */
    record CertificateDetails(String subjectName, String issuerName, long validFrom, long validUntil, String cpusvn, String iasQuoteStatus) {
        static CertificateDetails of(IssuedCertificate c) {
            try {
                var x509 = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(c.certificatePem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                return new CertificateDetails(
                        x509.getSubjectX500Principal().getName(),
                        x509.getIssuerX500Principal().getName(),
                        x509.getNotBefore().toInstant().getEpochSecond(),
                        x509.getNotAfter().toInstant().getEpochSecond(),
                        "",
                        "");
            } catch (java.security.cert.CertificateException e) {
                throw new IllegalStateException("a certificate OpenCCM issued does not parse: " + c.id(), e);
            }
        }
    }

    private IssuedCertificate latest(UUID account, UUID nodeId, UUID appId) {
        nodes.get(account, nodeId);
        return certificates.forNode(account, nodeId).stream()
                .filter(c -> appId == null || appId.equals(c.appId()))
                .findFirst()
                .orElseThrow(() -> new NotFound("certificate of node", nodeId));
    }

    record DeploymentList(SearchMetadata metadata, List<AppNodeInfo> items) {}

    @GetMapping("/v1/builds/deployments/{build-id}")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The nodes running an image (their last attestation matched it), with their latest certificates")
    DeploymentList deployments(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("build-id") UUID buildId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Integer offset) {
        UUID account = caller.account();
        builds.get(account, buildId);
        Page page = Page.of(limit, offset);
        int total = nodes.countOfBuild(account, buildId);
        List<AppNodeInfo> items = nodes.ofBuild(account, buildId, page.limit(), page.offset()).stream()
                .flatMap(n -> certificates.forNode(account, n.id()).stream().findFirst().map(c -> AppNodeInfo.of(n, c)).stream())
                .toList();
        return new DeploymentList(page.metadata(total, total), items);
    }

    @GetMapping("/v1/nodes/{node-id}/certificate-details")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Subject, issuer and validity of the certificate most recently issued to the node")
    CertificateDetails certificateDetails(@AuthenticationPrincipal Caller caller, @PathVariable("node-id") UUID id) {
        return CertificateDetails.of(latest(caller.account(), id, null));
    }

    @GetMapping("/v1/apps/{app-id}/node/{node-id}/certificate")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The certificate most recently issued to the node for this app")
    CertificateInfo appNodeCertificate(
            @AuthenticationPrincipal Caller caller, @PathVariable("app-id") UUID appId, @PathVariable("node-id") UUID id) {
        return CertificateInfo.of(latest(caller.account(), id, appId));
    }

    @GetMapping("/v1/apps/{app-id}/node/{node-id}/certificate-details")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Subject, issuer and validity of the certificate most recently issued to the node for this app")
    CertificateDetails appNodeCertificateDetails(
            @AuthenticationPrincipal Caller caller, @PathVariable("app-id") UUID appId, @PathVariable("node-id") UUID id) {
        return CertificateDetails.of(latest(caller.account(), id, appId));
    }

    private NodeResponse response(Node n) {
        List<IssuedCertificate> issued = certificates.forNode(n.accountId(), n.id());
        IssuedCertificate latest = issued.isEmpty() ? null : issued.getFirst();
        List<AppNodeInfo> apps = latest == null
                ? List.of()
                : List.of(AppNodeInfo.of(n, latest));
        Long attested = n.attestedAt() == null ? null : n.attestedAt().getEpochSecond();
        String platform = n.platform() == null ? null : n.platform().name();
        return new NodeResponse(
                n.id(),
                n.name(),
                n.accountId(),
                n.zoneId(),
                new NodeStatus(n.status().name(), n.createdAt().getEpochSecond(), n.statusUpdatedAt().getEpochSecond(), attested),
                attested,
                platform,
                platform,
                latest == null ? null : latest.certificatePem(),
                apps,
                new SgxInfo(n.provisioned() == null ? null : n.provisioned().agentVersion()),
                n.buildId(),
                n.measured(),
                n.attestationCount(),
                n.description(),
                n.labels(),
                n.provisioned() == null ? null : n.provisioned().ipaddress(),
                n.provisioned() == null ? null : n.provisioned().sysInfo());
    }
}
