// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.keys;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Refuses to start an instance whose master key is not the one the database's secrets were sealed under. Without
 * it such an instance starts, answers health checks, and then fails each request that opens a sealed key (session
 * tokens, CA keys, registry passwords) with a 500: a misconfigured replica behind a load balancer looks healthy.
 * The first instance seals a known text; every later one must open it.
 */
@Component
class MasterKeyCanary implements InitializingBean {
    static final String NAME = "master-key-canary";
    private static final byte[] TEXT = "openccm master key canary v1".getBytes(StandardCharsets.US_ASCII);
    private final JdbcClient jdbc;
    private final MasterKey masterKey;
    private final Clock clock;

    MasterKeyCanary(JdbcClient jdbc, MasterKey masterKey, Clock clock) {
        this.jdbc = jdbc;
        this.masterKey = masterKey;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        Optional<byte[]> canary = sealed(NAME);
        if (canary.isEmpty()) {
            // A database from before the canary: a secret it already holds must open, or the key is wrong.
            jdbc.sql("SELECT name FROM server_secrets ORDER BY created_at LIMIT 1").query(String.class).optional()
                    .ifPresent(name -> check(() -> masterKey.open(sealed(name).orElseThrow(), "server-secret:" + name)));
            jdbc.sql("INSERT INTO server_secrets (name, secret_sealed, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING")
                    .params(NAME, masterKey.seal(TEXT, "server-secret:" + NAME), Timestamp.from(clock.instant()))
                    .update();
            canary = sealed(NAME);
        }
        byte[] stored = canary.orElseThrow();
        check(() -> masterKey.open(stored, "server-secret:" + NAME));
    }

    private Optional<byte[]> sealed(String name) {
        return jdbc.sql("SELECT secret_sealed FROM server_secrets WHERE name = ?").param(name).query(byte[].class).optional();
    }

    private static void check(Runnable open) {
        try {
            open.run();
        } catch (IllegalStateException e) {
            throw new WrongMasterKey();
        }
    }

    /** Why the instance did not start, in the words an operator needs. */
    static final class WrongMasterKey extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        WrongMasterKey() {
            super("the master key (OPENCCM_MASTER_KEY, or master.key in the data directory) is not the one this database's"
                    + " secrets were sealed under: start every instance of a deployment with the same master key");
        }
    }
}
