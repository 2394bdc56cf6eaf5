// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The collateral cache in PostgreSQL: one row per item key, replaced when a newer item is fetched. */
@Repository
public class CollateralStore {
    private final JdbcClient jdbc;

    CollateralStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Item> find(String key) {
        return jdbc.sql("SELECT * FROM collateral_items WHERE key = ?").param(key).query(CollateralStore::item).optional();
    }

    void put(Item item) {
        jdbc.sql("INSERT INTO collateral_items (key, vendor, kind, source, body, issuer_chain, valid_from, next_update, fetched_at)"
                        + " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (key) DO UPDATE SET vendor = excluded.vendor, kind = excluded.kind,"
                        + " source = excluded.source, body = excluded.body, issuer_chain = excluded.issuer_chain,"
                        + " valid_from = excluded.valid_from, next_update = excluded.next_update, fetched_at = excluded.fetched_at")
                .params(item.key(), item.vendor(), item.kind(), item.source(), item.body(), item.issuerChain(),
                        Timestamp.from(item.validFrom()), Timestamp.from(item.nextUpdate()), Timestamp.from(item.fetchedAt()))
                .update();
    }

    List<Item> all() {
        return jdbc.sql("SELECT * FROM collateral_items ORDER BY key").query(CollateralStore::item).list();
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
