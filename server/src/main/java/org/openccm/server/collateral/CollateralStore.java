// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The collateral cache in PostgreSQL: per item key, the newest {@link #VERSIONS_KEPT} versions (by the start of their
 * validity), so that evidence verified at an earlier instant finds the version current then.
 */
@Repository
public class CollateralStore {
    static final int VERSIONS_KEPT = 5;
    private final JdbcClient jdbc;

    CollateralStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The newest version of this item already valid at {@code at}; else (none is yet) the oldest version kept. */
    Optional<Item> find(String key, Instant at) {
        return jdbc.sql("SELECT * FROM collateral_items WHERE key = ?"
                        + " ORDER BY valid_from <= ? DESC, CASE WHEN valid_from <= ? THEN valid_from END DESC, valid_from LIMIT 1")
                .params(key, Timestamp.from(at), Timestamp.from(at))
                .query(CollateralStore::item)
                .optional();
    }

    void put(Item item) {
        jdbc.sql("INSERT INTO collateral_items (key, vendor, kind, source, body, issuer_chain, valid_from, next_update, fetched_at)"
                        + " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (key, valid_from) DO UPDATE SET vendor = excluded.vendor, kind = excluded.kind,"
                        + " source = excluded.source, body = excluded.body, issuer_chain = excluded.issuer_chain,"
                        + " next_update = excluded.next_update, fetched_at = excluded.fetched_at")
                .params(item.key(), item.vendor(), item.kind(), item.source(), item.body(), item.issuerChain(),
                        Timestamp.from(item.validFrom()), Timestamp.from(item.nextUpdate()), Timestamp.from(item.fetchedAt()))
                .update();
        jdbc.sql("DELETE FROM collateral_items WHERE key = ? AND valid_from < ALL (SELECT valid_from FROM collateral_items WHERE key = ?"
                        + " ORDER BY valid_from DESC LIMIT " + VERSIONS_KEPT + ")")
                .params(item.key(), item.key())
                .update();
    }

    /** Every version kept, for the listing and the bundle. */
    List<Item> all() {
        return jdbc.sql("SELECT * FROM collateral_items ORDER BY key, valid_from").query(CollateralStore::item).list();
    }

    /** The newest version of each item: what the refresher keeps current. */
    List<Item> newest() {
        return jdbc.sql("SELECT DISTINCT ON (key) * FROM collateral_items ORDER BY key, valid_from DESC").query(CollateralStore::item).list();
    }

    /** The VCEKs kept by chip and TCB: (chip id hex, reported TCB, DER, when). */
    public record CachedVcek(String chipId, long reportedTcb, byte[] certificate, java.time.Instant createdAt) {}

    /** The VCEK that verified an earlier report of this chip at this TCB (DER), if any. */
    Optional<byte[]> vcek(String chipIdHex, long reportedTcb) {
        return jdbc.sql("SELECT certificate FROM snp_vcek_cache WHERE chip_id = ? AND reported_tcb = ?")
                .params(chipIdHex, reportedTcb)
                .query(byte[].class)
                .optional();
    }

    /** Keeps a VCEK for its chip and TCB; the first one kept stays. */
    void putVcek(String chipIdHex, long reportedTcb, byte[] der) {
        jdbc.sql("INSERT INTO snp_vcek_cache (chip_id, reported_tcb, certificate, created_at) VALUES (?,?,?,now()) ON CONFLICT DO NOTHING")
                .params(chipIdHex, reportedTcb, der)
                .update();
    }

    List<CachedVcek> vceks() {
        return jdbc.sql("SELECT chip_id, reported_tcb, certificate, created_at FROM snp_vcek_cache ORDER BY created_at")
                .query((rs, n) -> new CachedVcek(rs.getString("chip_id"), rs.getLong("reported_tcb"), rs.getBytes("certificate"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    private static Item item(ResultSet rs, int row) throws SQLException {
        return new Item(rs.getString("key"), rs.getString("vendor"), rs.getString("kind"), rs.getString("source"), rs.getBytes("body"),
                rs.getString("issuer_chain"), rs.getTimestamp("valid_from").toInstant(), rs.getTimestamp("next_update").toInstant(),
                rs.getTimestamp("fetched_at").toInstant());
    }
}
