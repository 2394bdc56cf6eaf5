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
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
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
                a.measured(), Node.Status.RUNNING, 1, now, now, now, null, Map.of(), null);
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

    /** A node's name as given (by its agent, or when it is provisioned): 1 to 200 printable characters, stripped. */
    public static String name(String field, String given) {
        String name = FieldRules.required(field, FieldRules.text(field, given, 200)).strip();
        if (name.isEmpty() || name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidField(field, "must be 1 to 200 printable characters");
        }
        return name;
    }

    /** Fortanix's NodeProvisionRequest, as OpenCCM uses it. */
    public record Provision(String name, String description, String ipaddress, String agentVersion, Map<String, Object> sysInfo) {}

    /**
     * Fortanix's node provisioning: registers a node of the caller's zone (a join token's, or the account's default
     * zone for an ADMIN) by name, PROVISIONED until its first attestation under that name makes it RUNNING. Its
     * agent attests as every workload does (challenge, evidence bound to the CSR key and the nonce).
     */
    @Transactional
    public Node provision(Caller caller, Provision p, UUID zoneId) {
        UUID account = caller.account();
        String name = name("name", p.name());
        if (nodes.lockByName(zoneId, name).isPresent()) {
            throw new Conflict("name", "the zone has a node named '" + name + "' already");
        }
        Instant now = clock.instant();
        Node node = new Node(UUID.randomUUID(), account, zoneId, name, null, null, null, Map.of(), Node.Status.PROVISIONED, 0, now, now, null,
                FieldRules.text("description", p.description(), 1000), Map.of(),
                new Node.Provisioned(FieldRules.text("ipaddress", p.ipaddress(), 100), FieldRules.text("sgx_version", p.agentVersion(), 100),
                        p.sysInfo()));
        nodes.insert(node);
        if (node.description() != null) {
            nodes.describe(node.id(), node.description(), Map.of());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        details.put("zone_id", zoneId);
        audit.append(account, caller.actor(), "node.provisioned", "node", node.id(), details);
        return get(account, node.id());
    }

    static final int MAX_LABELS = 64;

    /**
     * Fortanix's node update, a JSON patch: {@code /description} and {@code /labels} (the whole map, or one label at
     * {@code /labels/<key>}) may change. The name is the one the node's agent attests with, so it is not renamed here.
     */
    @Transactional
    public Node update(Caller caller, UUID id, List<Map<String, Object>> operations) {
        UUID account = caller.account();
        Node node = nodes.lock(account, id).orElseThrow(() -> new NotFound("node", id));
        FieldRules.required("patch", operations);
        String description = node.description();
        Map<String, String> labels = new java.util.TreeMap<>(node.labels());
        List<String> changed = new java.util.ArrayList<>();
        for (int i = 0; i < operations.size(); i++) {
            String at = "patch[" + i + "]";
            Map<String, Object> op = FieldRules.required(at, operations.get(i));
            String kind = String.valueOf(FieldRules.required(at + ".op", op.get("op")));
            String path = String.valueOf(FieldRules.required(at + ".path", op.get("path")));
            Object value = op.get("value");
            if (!List.of("add", "replace", "remove").contains(kind)) {
                throw new InvalidField(at + ".op", "one of add, replace, remove");
            }
            boolean remove = kind.equals("remove");
            if (path.equals("/description")) {
                description = remove ? null : FieldRules.text(at + ".value", string(at + ".value", value), 1000);
            } else if (path.equals("/labels")) {
                labels.clear();
                if (!remove) {
                    if (!(value instanceof Map<?, ?> map)) {
                        throw new InvalidField(at + ".value", "an object of label names to values is required");
                    }
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        labels.put(labelName(at + ".value", String.valueOf(e.getKey())),
                                FieldRules.text(at + ".value." + e.getKey(), string(at + ".value." + e.getKey(), e.getValue()), 200));
                    }
                }
            } else if (path.startsWith("/labels/")) {
                String name = labelName(at + ".path", path.substring("/labels/".length()).replace("~1", "/").replace("~0", "~"));
                if (remove) {
                    labels.remove(name);
                } else {
                    labels.put(name, FieldRules.text(at + ".value", string(at + ".value", value), 200));
                }
            } else if (path.equals("/name")) {
                throw new InvalidField(at + ".path", "a node's name is the one its agent attests with (node_name); it cannot be changed here");
            } else {
                throw new InvalidField(at + ".path", "not a field of a node that can change: " + path + " (/description, /labels, /labels/<name>)");
            }
            changed.add(path);
        }
        if (labels.size() > MAX_LABELS) {
            throw new InvalidField("patch", "at most " + MAX_LABELS + " labels");
        }
        nodes.describe(id, description, labels);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", node.name());
        details.put("changed", changed);
        audit.append(account, caller.actor(), "node.updated", "node", id, details);
        return get(account, id);
    }

    private static String string(String field, Object value) {
        if (!(value instanceof String text)) {
            throw new InvalidField(field, "a string is required");
        }
        return text;
    }

    private static String labelName(String field, String name) {
        if (name.isBlank() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidField(field, "a label name is 1 to 100 printable characters");
        }
        return name;
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
