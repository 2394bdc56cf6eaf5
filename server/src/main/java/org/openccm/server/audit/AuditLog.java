// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import org.openccm.server.identity.Actor;

/**
 * Appends to and reads the audit chain. Appends happen inside the transaction of the change they record, so a
 * change and its entry commit or vanish together.
 */
@Service
public class AuditLog {
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    AuditLog(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    public record Search(String action, UUID objectId, UUID actorUserId, Instant since, Instant until, int limit, int offset) {}

    /** The outcome of re-computing an account's chain; {@code firstInvalid} is empty when it holds. */
    public record Verification(boolean valid, long entriesChecked, Optional<Break> firstInvalid) {}

    public record Break(long seq, UUID entryId, String reason) {}

    @Transactional(propagation = Propagation.MANDATORY)
    public AuditEntry append(
            UUID accountId, Actor actor, String action, String objectType, UUID objectId, Map<String, ?> details) {
        // The head row is the per-account lock that keeps the chain linear under concurrent writers. Every writer of
        // an account waits for it until the holder commits, so the statements run while it is held are kept few: the
        // head is made only when missing, and the entry and the new head are written by one statement.
        Map<String, Object> head = lockHead(accountId).orElseGet(() -> {
            jdbc.sql("INSERT INTO audit_heads (account_id, last_seq, last_hash) VALUES (?, 0, ?) ON CONFLICT DO NOTHING")
                    .params(accountId, AuditEntry.GENESIS)
                    .update();
            return lockHead(accountId).orElseThrow();
        });
        long seq = ((Number) head.get("last_seq")).longValue() + 1;
        AuditEntry unsigned = new AuditEntry(
                UUID.randomUUID(),
                accountId,
                seq,
                AuditEntry.truncate(clock.instant()),
                actor.userId(),
                actor.email(),
                actor.apiKeyId(),
                action,
                objectType,
                objectId,
                json.writeValueAsString(details),
                (String) head.get("last_hash"),
                null);
        AuditEntry entry = withHash(unsigned, unsigned.computeHash());
        jdbc.sql("WITH entry AS (INSERT INTO audit_log (id, account_id, seq, at, actor_user_id, actor_email, actor_api_key_id,"
                        + " action, object_type, object_id, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?))"
                        + " UPDATE audit_heads SET last_seq = ?, last_hash = ? WHERE account_id = ?")
                .params(
                        entry.id(),
                        entry.accountId(),
                        entry.seq(),
                        Timestamp.from(entry.at()),
                        entry.actorUserId(),
                        entry.actorEmail(),
                        entry.actorApiKeyId(),
                        entry.action(),
                        entry.objectType(),
                        entry.objectId(),
                        entry.details(),
                        entry.prevHash(),
                        entry.hash(),
                        seq,
                        entry.hash(),
                        accountId)
                .update();
        return entry;
    }

    /** The account's chain head, locked until the transaction ends; empty before the account's first entry. */
    private Optional<Map<String, Object>> lockHead(UUID accountId) {
        return jdbc.sql("SELECT last_seq, last_hash FROM audit_heads WHERE account_id = ? FOR UPDATE")
                .param(accountId)
                .query()
                .listOfRows()
                .stream()
                .findFirst();
    }

    public List<AuditEntry> search(UUID accountId, Search s) {
        return jdbc.sql("SELECT * FROM audit_log WHERE account_id = :account" + filter(s)
                        + " ORDER BY seq DESC LIMIT :limit OFFSET :offset")
                .params(params(accountId, s))
                .query(AuditLog::entry)
                .list();
    }

    public int count(UUID accountId, Search s) {
        return jdbc.sql("SELECT count(*) FROM audit_log WHERE account_id = :account" + filter(s))
                .params(params(accountId, s))
                .query(Integer.class)
                .single();
    }

    /**
     * Walks the account's chain from the first entry: each entry must follow the previous one by number, link to
     * its hash, and hash to what it stores; the head must point at the last entry.
     */
    @Transactional(readOnly = true)
    public Verification verify(UUID accountId) {
        List<AuditEntry> entries = jdbc.sql("SELECT * FROM audit_log WHERE account_id = ? ORDER BY seq")
                .param(accountId)
                .query(AuditLog::entry)
                .list();
        String prev = AuditEntry.GENESIS;
        long expectedSeq = 1;
        for (AuditEntry e : entries) {
            if (e.seq() != expectedSeq) {
                return broken(entries, e, "entry " + expectedSeq + " is missing before it");
            }
            if (!e.prevHash().equals(prev)) {
                return broken(entries, e, "prev_hash does not link to the entry before it");
            }
            if (!e.computeHash().equals(e.hash())) {
                return broken(entries, e, "contents do not match the entry's hash");
            }
            prev = e.hash();
            expectedSeq++;
        }
        Optional<Map<String, Object>> head = jdbc.sql("SELECT last_seq, last_hash FROM audit_heads WHERE account_id = ?")
                .param(accountId)
                .query()
                .listOfRows()
                .stream()
                .findFirst();
        long headSeq = head.map(h -> ((Number) h.get("last_seq")).longValue()).orElse(0L);
        if (headSeq != expectedSeq - 1 || !head.map(h -> h.get("last_hash")).orElse(AuditEntry.GENESIS).equals(prev)) {
            return new Verification(
                    false,
                    entries.size(),
                    Optional.of(new Break(
                            expectedSeq, null, "the chain ends at entry " + (expectedSeq - 1) + " but its head is at "
                                    + headSeq + ": entries were removed from the end")));
        }
        return new Verification(true, entries.size(), Optional.empty());
    }

    private static Verification broken(List<AuditEntry> entries, AuditEntry at, String reason) {
        return new Verification(false, entries.size(), Optional.of(new Break(at.seq(), at.id(), reason)));
    }

    private static AuditEntry withHash(AuditEntry e, String hash) {
        return new AuditEntry(
                e.id(), e.accountId(), e.seq(), e.at(), e.actorUserId(), e.actorEmail(), e.actorApiKeyId(), e.action(),
                e.objectType(), e.objectId(), e.details(), e.prevHash(), hash);
    }

    private static String filter(Search s) {
        List<String> f = new ArrayList<>();
        if (s.action() != null) {
            f.add(" AND action = :action");
        }
        if (s.objectId() != null) {
            f.add(" AND object_id = :object");
        }
        if (s.actorUserId() != null) {
            f.add(" AND actor_user_id = :actor");
        }
        if (s.since() != null) {
            f.add(" AND at >= :since");
        }
        if (s.until() != null) {
            f.add(" AND at < :until");
        }
        return String.join("", f);
    }

    private static Map<String, Object> params(UUID accountId, Search s) {
        Map<String, Object> p = new HashMap<>();
        p.put("account", accountId);
        p.put("action", s.action());
        p.put("object", s.objectId());
        p.put("actor", s.actorUserId());
        p.put("since", s.since() == null ? null : Timestamp.from(s.since()));
        p.put("until", s.until() == null ? null : Timestamp.from(s.until()));
        p.put("limit", s.limit());
        p.put("offset", s.offset());
        return p;
    }

    static AuditEntry entry(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(
                rs.getObject("id", UUID.class),
                rs.getObject("account_id", UUID.class),
                rs.getLong("seq"),
                rs.getTimestamp("at").toInstant(),
                rs.getObject("actor_user_id", UUID.class),
                rs.getString("actor_email"),
                rs.getObject("actor_api_key_id", UUID.class),
                rs.getString("action"),
                rs.getString("object_type"),
                rs.getObject("object_id", UUID.class),
                rs.getString("details"),
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }
}
