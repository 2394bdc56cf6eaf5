// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A first deployment of two replicas (deploy/kubernetes) starts both on an empty database at once: both must come
 * up, with one first admin between them, where one of them used to fail on the duplicate admin.
 */
class FirstStartTogetherTest extends ApiTest {

    @Test
    void twoInstancesStartedTogetherOnAnEmptyDatabaseBothStartWithOneFirstAdmin() throws Exception {
        TestPostgres.Database empty = TestPostgres.newDatabase();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ConfigurableApplicationContext>> starting = List.of(
                pool.submit(() -> {
                    go.await();
                    return anotherServer(empty);
                }),
                pool.submit(() -> {
                    go.await();
                    return anotherServer(empty);
                }));
        go.countDown();
        try (ConfigurableApplicationContext first = starting.get(0).get();
                ConfigurableApplicationContext second = starting.get(1).get()) {
            apiOf(first).logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
            apiOf(second).logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
            try (Connection c = DriverManager.getConnection(empty.url(), empty.user(), empty.password());
                    ResultSet rs = c.createStatement().executeQuery(
                            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM accounts)")) {
                rs.next();
                assertThat(rs.getLong(1)).as("users").isEqualTo(1);
                assertThat(rs.getLong(2)).as("accounts").isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
