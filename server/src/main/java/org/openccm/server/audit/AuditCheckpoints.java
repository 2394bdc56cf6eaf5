// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.audit;

import java.security.KeyPair;
import java.security.PublicKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.server.keys.ServerKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Anchors each account's audit chain outside the database's reach: a checkpoint is the chain's length and head hash
 * at an instant, signed with the server's {@code audit-checkpoint} key (sealed under the master key, which the
 * database does not hold). Made at a fixed interval for every account whose chain grew, and on demand. Someone who
 * rewrites history in PostgreSQL and recomputes every hash cannot make the rewritten chain match a checkpoint signed
 * before; a receipt (one entry's exact hashed text, the texts of the entries after it up to a checkpoint, and the
 * checkpoint) proves that entry offline with the server's public key.
 */
@Component
public class AuditCheckpoints {
    static final String KEY = "audit-checkpoint";
    private static final Logger log = LoggerFactory.getLogger(AuditCheckpoints.class);
    private final JdbcClient jdbc;
    private final ServerKeys keys;
    private final Clock clock;

    AuditCheckpoints(JdbcClient jdbc, ServerKeys keys, Clock clock) {
        this.jdbc = jdbc;
        this.keys = keys;
        this.clock = clock;
    }

    /** A signed checkpoint: the chain of {@code accountId} had {@code seq} entries, the last hashing to {@code headHash}. */
    public record Checkpoint(UUID id, UUID accountId, long seq, String headHash, Instant at, byte[] signature, String keySha256) {
        /** What is signed: one line each for the format, account, length, head hash and instant (microseconds). */
        public String signedText() {
            return String.join("\n", "openccm-audit-checkpoint-v1", accountId.toString(), Long.toString(seq), headHash,
                    Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, at)));
        }
    }

    /** A receipt for one entry: its hashed text and those after it, up to the checkpoint that covers it. */
    public record Receipt(List<String> entries, Checkpoint checkpoint, PublicKey publicKey) {}

    /** What checking the chain against its checkpoints found. */
    public record Check(int checked, List<String> problems, Optional<Instant> latest) {}

    public PublicKey publicKey() {
        return keys.key(KEY).getPublic();
    }

    /** Signs the account's chain as it is now, unless its newest checkpoint covers it already; empty for no entries. */
    @Transactional
    public Optional<Checkpoint> checkpoint(UUID accountId) {
        Optional<Map<String, Object>> head = jdbc.sql("SELECT last_seq, last_hash FROM audit_heads WHERE account_id = ? FOR SHARE")
                .param(accountId).query().listOfRows().stream().findFirst();
        if (head.isEmpty() || ((Number) head.get().get("last_seq")).longValue() == 0) {
            return Optional.empty();
        }
        long seq = ((Number) head.get().get("last_seq")).longValue();
        Optional<Checkpoint> newest = newest(accountId);
        if (newest.isPresent() && newest.get().seq() == seq) {
            return newest;
        }
        KeyPair key = keys.key(KEY);
        Checkpoint unsigned = new Checkpoint(UUID.randomUUID(), accountId, seq, (String) head.get().get("last_hash"),
                AuditEntry.truncate(clock.instant()), new byte[0], ServerKeys.fingerprint(key.getPublic()));
        Checkpoint signed = new Checkpoint(unsigned.id(), accountId, seq, unsigned.headHash(), unsigned.at(),
                ServerKeys.sign(key.getPrivate(), unsigned.signedText().getBytes(java.nio.charset.StandardCharsets.UTF_8)), unsigned.keySha256());
        jdbc.sql("INSERT INTO audit_checkpoints (id, account_id, seq, head_hash, at, signature, key_sha256) VALUES (?,?,?,?,?,?,?)"
                        + " ON CONFLICT (account_id, seq) DO NOTHING")
                .params(signed.id(), accountId, seq, signed.headHash(), Timestamp.from(signed.at()), signed.signature(), signed.keySha256())
                .update();
        return newest(accountId);
    }

    /** Every account whose chain grew since its newest checkpoint gets a new one. */
    @Scheduled(fixedDelayString = "${openccm.audit.checkpoint-interval:PT1H}", initialDelayString = "${openccm.audit.checkpoint-interval:PT1H}")
    public void checkpointAll() {
        List<UUID> grown = jdbc.sql("SELECT h.account_id FROM audit_heads h WHERE h.last_seq > coalesce("
                        + "(SELECT max(c.seq) FROM audit_checkpoints c WHERE c.account_id = h.account_id), 0)")
                .query(UUID.class).list();
        grown.forEach(this::checkpoint);
        if (!grown.isEmpty()) {
            log.info("Signed audit checkpoints for {} accounts", grown.size());
        }
    }

    public List<Checkpoint> list(UUID accountId, int limit, int offset) {
        return jdbc.sql("SELECT * FROM audit_checkpoints WHERE account_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?")
                .params(accountId, limit, offset).query(AuditCheckpoints::checkpoint).list();
    }

    public int count(UUID accountId) {
        return jdbc.sql("SELECT count(*) FROM audit_checkpoints WHERE account_id = ?").param(accountId).query(Integer.class).single();
    }

    /**
     * Checks the stored chain against every checkpoint: the checkpoint's signature with the server's key, and that the
     * entry at its length still hashes to its head hash (the chain itself is checked by {@link AuditLog#verify}).
     */
    @Transactional(readOnly = true)
    public Check check(UUID accountId) {
        List<Checkpoint> all = jdbc.sql("SELECT * FROM audit_checkpoints WHERE account_id = ? ORDER BY seq")
                .param(accountId).query(AuditCheckpoints::checkpoint).list();
        PublicKey key = all.isEmpty() ? null : publicKey();
        List<String> problems = new ArrayList<>();
        for (Checkpoint c : all) {
            if (!ServerKeys.verify(key, c.signedText().getBytes(java.nio.charset.StandardCharsets.UTF_8), c.signature())) {
                problems.add("the checkpoint of entry " + c.seq() + " (" + c.at() + ") is not signed by this server's audit key");
                continue;
            }
            Optional<AuditEntry> entry = entryAt(accountId, c.seq());
            if (entry.isEmpty()) {
                problems.add("entry " + c.seq() + ", signed in the checkpoint of " + c.at() + ", is gone");
            } else if (!entry.get().hash().equals(c.headHash()) || !entry.get().computeHash().equals(c.headHash())) {
                problems.add("entry " + c.seq() + " is not the one signed in the checkpoint of " + c.at() + ": history was rewritten");
            }
        }
        return new Check(all.size(), problems, all.isEmpty() ? Optional.empty() : Optional.of(all.getLast().at()));
    }

    /** A receipt for the entry: from the first checkpoint at or after it (made now if there is none yet). */
    @Transactional
    public Optional<Receipt> receipt(UUID accountId, UUID entryId) {
        Optional<AuditEntry> entry = jdbc.sql("SELECT * FROM audit_log WHERE account_id = ? AND id = ?").params(accountId, entryId)
                .query(AuditLog::entry).optional();
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Optional<Checkpoint> covering = jdbc.sql("SELECT * FROM audit_checkpoints WHERE account_id = ? AND seq >= ? ORDER BY seq LIMIT 1")
                .params(accountId, entry.get().seq()).query(AuditCheckpoints::checkpoint).optional();
        Checkpoint c = covering.isPresent() ? covering.get() : checkpoint(accountId).orElseThrow();
        List<String> texts = jdbc.sql("SELECT * FROM audit_log WHERE account_id = ? AND seq >= ? AND seq <= ? ORDER BY seq")
                .params(accountId, entry.get().seq(), c.seq()).query(AuditLog::entry).list()
                .stream().map(AuditEntry::canonicalText).toList();
        return Optional.of(new Receipt(texts, c, publicKey()));
    }

    private Optional<Checkpoint> newest(UUID accountId) {
        return jdbc.sql("SELECT * FROM audit_checkpoints WHERE account_id = ? ORDER BY seq DESC LIMIT 1")
                .param(accountId).query(AuditCheckpoints::checkpoint).optional();
    }

    private Optional<AuditEntry> entryAt(UUID accountId, long seq) {
        return jdbc.sql("SELECT * FROM audit_log WHERE account_id = ? AND seq = ?").params(accountId, seq).query(AuditLog::entry).optional();
    }

    private static Checkpoint checkpoint(ResultSet rs, int row) throws SQLException {
        return new Checkpoint(rs.getObject("id", UUID.class), rs.getObject("account_id", UUID.class), rs.getLong("seq"),
                rs.getString("head_hash"), rs.getTimestamp("at").toInstant(), rs.getBytes("signature"), rs.getString("key_sha256"));
    }
}
