// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.pki;

import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.server.identity.Caller;
import org.openccm.server.identity.Actor;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.Conflict;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.NotFound;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Issues, lists and revokes workload certificates, and publishes each account's CRL. */
@Service
public class CertificateService {
    private final CertificateAuthority ca;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration validity;

    CertificateService(
            CertificateAuthority ca,
            JdbcClient jdbc,
            JsonMapper json,
            AuditLog audit,
            Clock clock,
            @Value("${openccm.pki.certificate-validity}") Duration validity) {
        this.ca = ca;
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.clock = clock;
        this.validity = validity;
    }

    public record Request(
            java.security.PublicKey publicKey,
            String commonName,
            List<String> dnsNames,
            UUID appId,
            UUID buildId,
            String platform,
            UUID nodeId) {}

    @Transactional(propagation = Propagation.MANDATORY)
    public IssuedCertificate issue(UUID accountId, Actor actor, Request r) {
        X509Certificate cert = ca.issue(
                accountId,
                new CertificateAuthority.Issue(
                        r.publicKey(),
                        r.commonName(),
                        r.dnsNames(),
                        validity,
                        "build_id=" + r.buildId() + ";app_id=" + r.appId() + ";platform=" + r.platform()));
        IssuedCertificate issued = new IssuedCertificate(
                UUID.randomUUID(),
                accountId,
                cert.getSerialNumber().toString(16),
                r.appId(),
                r.buildId(),
                r.platform(),
                r.commonName(),
                r.dnsNames(),
                cert.getNotBefore().toInstant(),
                cert.getNotAfter().toInstant(),
                Pem.of(cert),
                null,
                null,
                clock.instant(),
                r.nodeId());
        jdbc.sql("INSERT INTO certificates (id, account_id, serial, app_id, build_id, platform, subject, dns_names,"
                        + " not_before, not_after, certificate_pem, created_at, node_id, ca_key_id) VALUES (?,?,?,?,?,?,?,?::jsonb,?,?,?,?,?,?)")
                .params(
                        issued.id(),
                        accountId,
                        issued.serial(),
                        issued.appId(),
                        issued.buildId(),
                        issued.platform(),
                        issued.subject(),
                        json.writeValueAsString(issued.dnsNames()),
                        Timestamp.from(issued.notBefore()),
                        Timestamp.from(issued.notAfter()),
                        issued.certificatePem(),
                        Timestamp.from(issued.createdAt()),
                        issued.nodeId(),
                        CertificateAuthority.issuerKeyId(cert))
                .update();
        audit.append(accountId, actor, "certificate.issued", "certificate", issued.id(), Map.of(
                "serial", issued.serial(),
                "build_id", r.buildId(),
                "subject", r.commonName(),
                "dns_names", r.dnsNames(),
                "not_after", issued.notAfter().toString()));
        return issued;
    }

    public String caPem(UUID accountId) {
        return Pem.of(ca.certificate(accountId));
    }

    public List<IssuedCertificate> list(UUID accountId, UUID appId, int limit, int offset) {
        return jdbc.sql("SELECT * FROM certificates WHERE account_id = ? AND (?::uuid IS NULL OR app_id = ?)"
                        + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
                .params(accountId, appId, appId, limit, offset)
                .query(this::certificate)
                .list();
    }

    public int count(UUID accountId, UUID appId) {
        return jdbc.sql("SELECT count(*) FROM certificates WHERE account_id = ? AND (?::uuid IS NULL OR app_id = ?)")
                .params(accountId, appId, appId)
                .query(Integer.class)
                .single();
    }

    public IssuedCertificate get(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM certificates WHERE account_id = ? AND id = ?")
                .params(accountId, id)
                .query(this::certificate)
                .optional()
                .orElseThrow(() -> new NotFound("certificate", id));
    }

    @Transactional
    public IssuedCertificate revoke(Caller caller, UUID id, String reason) {
        UUID account = caller.account();
        FieldRules.text("reason", reason, 500);
        IssuedCertificate cert = get(account, id);
        if (cert.revokedAt() != null) {
            throw new Conflict("certificate_id", "certificate " + id + " was revoked at " + cert.revokedAt());
        }
        jdbc.sql("UPDATE certificates SET revoked_at = ?, revocation_reason = ? WHERE id = ?")
                .params(Timestamp.from(clock.instant()), reason, id)
                .update();
        audit.append(account, caller.actor(), "certificate.revoked", "certificate", id,
                Map.of("serial", cert.serial(), "reason", reason == null ? "" : reason));
        return get(account, id);
    }

    /** The certificates issued to a node, newest first. */
    public List<IssuedCertificate> forNode(UUID accountId, UUID nodeId) {
        return jdbc.sql("SELECT * FROM certificates WHERE account_id = ? AND node_id = ? ORDER BY created_at DESC, id")
                .params(accountId, nodeId)
                .query(this::certificate)
                .list();
    }

    /** Revokes every certificate of the node that is not revoked yet; returns their ids. */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<UUID> revokeForNode(UUID accountId, UUID nodeId, Actor actor, String reason) {
        List<UUID> revoked = jdbc.sql("UPDATE certificates SET revoked_at = ?, revocation_reason = ? WHERE account_id = ? AND node_id = ?"
                        + " AND revoked_at IS NULL RETURNING id")
                .params(Timestamp.from(clock.instant()), reason, accountId, nodeId)
                .query(UUID.class)
                .list();
        for (UUID id : revoked) {
            audit.append(accountId, actor, "certificate.revoked", "certificate", id, Map.of("reason", reason, "node_id", nodeId));
        }
        return revoked;
    }

    /**
     * The account's CRLs: the current CA's, and one for each previous CA, each listing the revoked certificates that
     * CA issued and signed by it.
     */
    public List<X509CRL> crls(UUID accountId) {
        Map<String, List<CertificateAuthority.Revoked>> revoked = new java.util.HashMap<>();
        jdbc.sql("SELECT ca_key_id AS issuer, serial, revoked_at FROM certificates WHERE account_id = ? AND revoked_at IS NOT NULL")
                .param(accountId)
                .query((rs, n) -> {
                    revoked.computeIfAbsent(rs.getString("issuer"), k -> new java.util.ArrayList<>()).add(new CertificateAuthority.Revoked(
                            new BigInteger(rs.getString("serial"), 16), rs.getTimestamp("revoked_at").toInstant()));
                    return null;
                })
                .list();
        return ca.crls(accountId, revoked);
    }

    /** Makes the account's next CA, published before it issues anything (Fortanix: create a zone certificate). */
    @Transactional
    public X509Certificate createNextCa(Caller caller) {
        X509Certificate next = ca.createNext(caller.account());
        audit.append(caller.account(), caller.actor(), "ca.next_created", "account", caller.account(),
                Map.of("key_id", CertificateAuthority.keyId(next), "not_after", next.getNotAfter().toInstant().toString()));
        return next;
    }

    /** The next CA issues from now on; the current one is kept as previous (Fortanix: rotate the zone certificate). */
    @Transactional
    public CertificateAuthority.Generations rotateCa(Caller caller) {
        String before = CertificateAuthority.keyId(ca.certificate(caller.account()));
        CertificateAuthority.Generations after = ca.rotate(caller.account());
        audit.append(caller.account(), caller.actor(), "ca.rotated", "account", caller.account(),
                Map.of("previous_key_id", before, "current_key_id", CertificateAuthority.keyId(after.current())));
        return after;
    }

    public CertificateAuthority.Generations caGenerations(UUID accountId) {
        return ca.generations(accountId);
    }

    /** Every CA certificate of the account that relying parties should trust: current, next (when made), previous. */
    public String trustedPem(UUID accountId) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : ca.generations(accountId).all()) {
            out.append(Pem.of(c));
        }
        return out.toString();
    }

    private IssuedCertificate certificate(ResultSet rs, int row) throws SQLException {
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new IssuedCertificate(
                rs.getObject("id", UUID.class),
                rs.getObject("account_id", UUID.class),
                rs.getString("serial"),
                rs.getObject("app_id", UUID.class),
                rs.getObject("build_id", UUID.class),
                rs.getString("platform"),
                rs.getString("subject"),
                json.readValue(rs.getString("dns_names"), new TypeReference<List<String>>() {}),
                rs.getTimestamp("not_before").toInstant(),
                rs.getTimestamp("not_after").toInstant(),
                rs.getString("certificate_pem"),
                revoked == null ? null : revoked.toInstant(),
                rs.getString("revocation_reason"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getObject("node_id", UUID.class));
    }
}
