// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.node;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.AttestationRefused;
import org.openccm.server.error.Conflict;
import org.openccm.server.error.NotFound;
import org.openccm.server.identity.Caller;
import org.openccm.server.pki.CertificateService;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records each attested workload instance as a node of its zone. A node is named by its agent ({@code node_name});
 * a deactivated node keeps its name, so that the instance cannot attest its way back in under it.
 */
@Service
public class NodeService {
    private final NodeRepository nodes;
    private final CertificateService certificates;
    private final AuditLog audit;
    private final Clock clock;

    NodeService(NodeRepository nodes, CertificateService certificates, AuditLog audit, Clock clock) {
        this.nodes = nodes;
        this.certificates = certificates;
        this.audit = audit;
        this.clock = clock;
    }

    /** What an accepted attestation says about its node. */
    public record Attested(UUID accountId, UUID zoneId, String name, Platform platform, UUID appId, UUID buildId, Map<String, String> measured) {}

    /**
     * Creates the node or records its new attestation, inside the attestation's transaction (before its certificate
     * is issued); refuses a deactivated node, without marking the attestation's transaction for rollback, so that
     * the refusal's audit entry commits.
     */
    @Transactional(propagation = Propagation.MANDATORY, noRollbackFor = AttestationRefused.class)
    public Node attested(Attested a) {
        Instant now = clock.instant();
        var existing = nodes.lockByName(a.zoneId(), a.name());
        if (existing.isPresent()) {
            Node n = existing.get();
            if (n.status() == Node.Status.DEACTIVATED) {
                throw new AttestationRefused("NODE_DEACTIVATED", "node_name", "node " + n.id() + " ('" + n.name()
                        + "') was deactivated at " + n.statusUpdatedAt() + "; a deactivated node cannot attest again");
            }
            nodes.attestedAgain(n.id(), a.platform(), a.appId(), a.buildId(), a.measured(), now);
            return nodes.find(a.accountId(), n.id()).orElseThrow();
        }
        Node created = new Node(UUID.randomUUID(), a.accountId(), a.zoneId(), a.name(), a.platform(), a.appId(), a.buildId(),
                a.measured(), Node.Status.RUNNING, 1, now, now, now);
        nodes.insert(created);
        return created;
    }

    public Node get(UUID accountId, UUID id) {
        return nodes.find(accountId, id).orElseThrow(() -> new NotFound("node", id));
    }

    public List<Node> list(UUID accountId, String name, int limit, int offset) {
        return nodes.list(accountId, name, limit, offset);
    }

    /** The nodes whose last attestation matched this image (Fortanix's deployments of a build). */
    public List<Node> ofBuild(UUID accountId, UUID buildId, int limit, int offset) {
        return nodes.ofBuild(accountId, buildId, limit, offset);
    }

    public int countOfBuild(UUID accountId, UUID buildId) {
        return nodes.countOfBuild(accountId, buildId);
    }

    public int count(UUID accountId, String name) {
        return nodes.count(accountId, name);
    }

    /** Deactivates the node and revokes every certificate issued to it, in one transaction. */
    @Transactional
    public Node deactivate(Caller caller, UUID id) {
        UUID account = caller.account();
        Node node = nodes.lock(account, id).orElseThrow(() -> new NotFound("node", id));
        if (node.status() == Node.Status.DEACTIVATED) {
            throw new Conflict("node-id", "node " + id + " was deactivated at " + node.statusUpdatedAt());
        }
        nodes.deactivate(id, clock.instant());
        List<UUID> revoked = certificates.revokeForNode(account, id, caller.actor(), "node deactivated");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", node.name());
        details.put("revoked_certificates", revoked);
        audit.append(account, caller.actor(), "node.deactivated", "node", id, details);
        return get(account, id);
    }
}
