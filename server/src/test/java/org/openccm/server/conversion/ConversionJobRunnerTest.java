// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.Fixtures;
import org.openccm.server.TestPostgres;
import org.openccm.server.registry.TestImages;
import org.openccm.server.registry.TestRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Conversion jobs live in PostgreSQL, not in an instance: on a database of its own (so the suite's servers, which
 * run jobs too, never see these), an instance that runs no jobs queues them; a job "held" by an instance that died
 * (lease run out) waits beside them. A second instance that runs jobs, started afterwards, takes over both, one at a
 * time as its concurrency says, leaves alone a job whose holder is alive, and gives up on one that already killed
 * its instance as often as allowed.
 */
class ConversionJobRunnerTest extends ApiTest {
    private static TestPostgres.Database db;
    private static ConfigurableApplicationContext idle;

    @BeforeAll
    static void startAnInstanceThatRunsNoJobs() throws Exception {
        db = TestPostgres.newDatabase();
        idle = anotherServer(db, "openccm.conversion.concurrency=0");
    }

    @AfterAll
    static void stop() {
        idle.close();
    }

    @Test
    void jobsInTheDatabaseAreRunByWhicheverInstanceRunsJobsEvenAfterTheirInstanceDied() throws Exception {
        Api a = apiOf(idle);
        a.logInToNewAccount();
        String host = TestRegistry.host();
        ConversionJobs.saveCredentials(a, host, TestRegistry.PASSWORD);
        String repo = host + "/openccm/aci-" + UUID.randomUUID();
        UUID app = a.post("/v1/apps", Fixtures.app("ACI").put("input_image_name", repo)).expect(200).id("app_id");
        List<String> ids = new ArrayList<>();
        for (String tag : List.of("queued", "orphaned", "held", "exhausted")) {
            TestImages.pushAciImage(repo + ":" + tag, false);
            var request = Api.object().put("app_id", app.toString());
            request.putObject("input_image").put("name", repo + ":" + tag);
            ids.add(a.post("/v1/builds/convert-app/aci", request).expect(200).text("build_id"));
        }
        String queued = ids.get(0);
        String orphaned = ids.get(1);
        String held = ids.get(2);
        String exhausted = ids.get(3);
        JdbcClient jdbc = idle.getBean(JdbcClient.class);
        // What a dead instance leaves behind: RUNNING under a lease that ran out; an alive one's lease is current.
        jdbc.sql("UPDATE conversion_jobs SET state = 'RUNNING', claimed_by = 'dead-instance', attempts = 1,"
                        + " lease_until = now() - interval '1 minute' WHERE build_id = ?::uuid")
                .param(orphaned).update();
        jdbc.sql("UPDATE conversion_jobs SET state = 'RUNNING', claimed_by = 'alive-instance', attempts = 1,"
                        + " lease_until = now() + interval '1 hour' WHERE build_id = ?::uuid")
                .param(held).update();
        jdbc.sql("UPDATE conversion_jobs SET state = 'RUNNING', claimed_by = 'dead-instance', attempts = 3,"
                        + " lease_until = now() - interval '1 minute' WHERE build_id = ?::uuid")
                .param(exhausted).update();

        // Nobody runs jobs yet: the queued one stays queued.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> a.get("/v1/builds/" + queued + "/conversion").expect(200).text("state").equals("QUEUED"));

        AtomicInteger mostRunningAtOnce = new AtomicInteger();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (watching.get()) {
                int running = jdbc.sql("SELECT count(*) FROM conversion_jobs WHERE state = 'RUNNING' AND claimed_by NOT IN ('alive-instance', 'dead-instance')")
                        .query(Integer.class).single();
                mostRunningAtOnce.accumulateAndGet(running, Math::max);
            }
        });
        try (ConfigurableApplicationContext worker = anotherServer(db, "openccm.conversion.concurrency=1", "openccm.conversion.poll-interval=PT0.2S")) {
            ConversionJobs.awaitJob(a, queued, "SUCCEEDED");
            ConversionJobs.awaitJob(a, orphaned, "SUCCEEDED");
            var abandoned = ConversionJobs.awaitJob(a, exhausted, "FAILED");
            assertThat(abandoned.path("error").asString()).contains("abandoned").contains("3 times");
        } finally {
            watching.set(false);
            watcher.join();
        }

        assertThat(mostRunningAtOnce.get()).as("jobs running at once with concurrency 1").isEqualTo(1);
        assertThat(attempts(jdbc, queued)).isEqualTo(1);
        assertThat(attempts(jdbc, orphaned)).as("the dead instance's attempt, then the new one's").isEqualTo(2);
        assertThat(a.get("/v1/builds/" + orphaned).expect(200).body().at("/attributes/default/aci/policy").asString()).isNotEmpty();
        assertThat(jdbc.sql("SELECT claimed_by FROM conversion_jobs WHERE build_id = ?::uuid").param(held).query(String.class).single())
                .as("a job whose instance still holds it is left alone").isEqualTo("alive-instance");
        assertThat(a.get("/v1/audit?object_id=" + exhausted).expect(200).body().toString()).contains("conversion.failed");
    }

    private static int attempts(JdbcClient jdbc, String id) {
        return jdbc.sql("SELECT attempts FROM conversion_jobs WHERE build_id = ?::uuid").param(id).query(Integer.class).single();
    }
}
