// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.build.Build;
import org.openccm.server.build.BuildService;
import org.openccm.server.error.NotFound;
import org.openccm.server.identity.Actor;
import org.openccm.server.registry.OciRegistryClient.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one runner of conversion jobs, for every kind, on every instance: jobs wait in {@code conversion_jobs}, and
 * each instance claims the oldest runnable ones ({@code FOR UPDATE SKIP LOCKED}, so two instances never take the
 * same job) up to its concurrency, holding each under a lease it renews while working. A job whose lease ran out
 * belonged to an instance that died; another instance takes it over, up to {@code max-attempts} starts, after which
 * the job fails as abandoned rather than crash every instance that tries it. Every write about a claimed job is
 * guarded by its holder, so an instance that lost its lease (a long pause) cannot overwrite the new holder's work.
 * Stopping gracefully puts this instance's unfinished jobs back in the queue without counting the attempt.
 */
@Component
public class ConversionJobRunner implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ConversionJobRunner.class);

    /** How one kind of job is done. */
    interface Handler {
        JobKind kind();

        /**
         * Does the job; ends with {@link ClaimedJob#succeed} inside the transaction that records the result. A
         * {@link ConversionService.ConversionFailed} or {@link RegistryException} is a reason for the user.
         */
        void run(ClaimedJob job, Build build) throws Exception;

        /** Whether an exception other than the two above is still a reason for the user rather than a defect. */
        default boolean explains(Exception e) {
            return false;
        }

        /** How a failure that is a defect is introduced to the user ("conversion failed: ..."). */
        String failurePrefix();
    }

    enum JobKind {
        ENCLAVE_OS,
        ACI
    }

    /** A job this instance holds; its writes fail with {@link LeaseLost} once another instance took it over. */
    final class ClaimedJob {
        private final UUID buildId;
        private final UUID accountId;
        private final JobKind kind;
        private final int attempt;

        ClaimedJob(UUID buildId, UUID accountId, JobKind kind, int attempt) {
            this.buildId = buildId;
            this.accountId = accountId;
            this.kind = kind;
            this.attempt = attempt;
        }

        UUID buildId() {
            return buildId;
        }

        int attempt() {
            return attempt;
        }

        /** Records the step the job is at (which also renews its lease). */
        void progress(String step, long bytes) {
            int updated = jdbc.sql("UPDATE conversion_jobs SET step = ?, bytes = ?, updated_at = now(), lease_until = now() + ? * interval '1 millisecond'"
                            + " WHERE build_id = ? AND claimed_by = ? AND state = 'RUNNING'")
                    .params(step, bytes, lease.toMillis(), buildId, instance)
                    .update();
            if (updated == 0) {
                throw new LeaseLost(buildId);
            }
        }

        /**
         * Marks the job done with its outputs (column to value, from a fixed set); call it in the transaction that
         * applies the result, which then rolls back if the job is no longer this instance's.
         */
        void succeed(long bytes, Map<String, Object> outputs) {
            StringBuilder sql = new StringBuilder("UPDATE conversion_jobs SET state = 'SUCCEEDED', step = 'done', bytes = ?, input_credential_enc = NULL,"
                    + " claimed_by = NULL, lease_until = NULL, updated_at = now()");
            List<Object> params = new java.util.ArrayList<>();
            params.add(bytes);
            outputs.forEach((column, value) -> {
                if (!OUTPUT_COLUMNS.contains(column)) {
                    throw new IllegalArgumentException("not an output column: " + column);
                }
                sql.append(", ").append(column).append(" = ?");
                params.add(value);
            });
            sql.append(" WHERE build_id = ? AND claimed_by = ? AND state = 'RUNNING'");
            params.add(buildId);
            params.add(instance);
            if (jdbc.sql(sql.toString()).params(params).update() == 0) {
                throw new LeaseLost(buildId);
            }
        }
    }

    private static final java.util.Set<String> OUTPUT_COLUMNS = java.util.Set.of("output_image", "output_digest", "policy", "arm_template");

    /** This instance no longer holds the job: another took it over after its lease ran out. */
    static final class LeaseLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseLost(UUID buildId) {
            super("the conversion job of image " + buildId + " is no longer held by this instance");
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final BuildService builds;
    private final Map<JobKind, Handler> handlers;
    private final int concurrency;
    private final Duration lease;
    private final Duration pollInterval;
    private final int maxAttempts;
    private final String instance;
    private final AtomicInteger active = new AtomicInteger();
    private final Object signal = new Object();
    private final MeterRegistry meters;
    private boolean woken;
    private volatile boolean running;
    private volatile boolean stopping;
    private Thread dispatcher;
    private ExecutorService workers;

    ConversionJobRunner(
            JdbcClient jdbc,
            PlatformTransactionManager txManager,
            AuditLog audit,
            BuildService builds,
            List<Handler> handlers,
            MeterRegistry meters,
            @Value("${openccm.conversion.concurrency:2}") int concurrency,
            @Value("${openccm.conversion.lease:PT1M}") Duration lease,
            @Value("${openccm.conversion.poll-interval:PT5S}") Duration pollInterval,
            @Value("${openccm.conversion.max-attempts:3}") int maxAttempts) {
        if (concurrency < 0 || maxAttempts < 1 || lease.toMillis() < 1000 || pollInterval.toMillis() < 10) {
            throw new IllegalArgumentException("openccm.conversion: concurrency must be ≥ 0, max-attempts ≥ 1, lease ≥ 1 s and poll-interval ≥ 10 ms");
        }
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(txManager);
        this.audit = audit;
        this.builds = builds;
        this.handlers = new EnumMap<>(handlers.stream().collect(Collectors.toMap(Handler::kind, Function.identity())));
        this.meters = meters;
        this.concurrency = concurrency;
        this.lease = lease;
        this.pollInterval = pollInterval;
        this.maxAttempts = maxAttempts;
        // Unique per process start: a restarted instance must not mistake its dead predecessor's jobs for its own.
        this.instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
        Gauge.builder("openccm.conversion.jobs.running", active, AtomicInteger::get)
                .description("conversion jobs this instance is running")
                .register(meters);
    }

    @org.springframework.context.event.EventListener
    void on(ConversionQueued queued) {
        wake();
    }

    /** Looks for work now rather than at the next poll: a job was queued, or a slot freed. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    @Override
    public void start() {
        running = true;
        stopping = false;
        if (concurrency == 0) {
            log.info("This instance runs no conversion jobs (openccm.conversion.concurrency=0); other instances will");
            return;
        }
        workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("conversion-", 0).factory());
        dispatcher = Thread.ofPlatform().name("conversion-dispatcher").daemon().start(this::dispatch);
    }

    @Override
    public void stop() {
        running = false;
        stopping = true;
        wake();
        if (dispatcher == null) {
            return;
        }
        try {
            dispatcher.join(Duration.ofSeconds(10));
            workers.shutdownNow();
            if (!workers.awaitTermination(20, TimeUnit.SECONDS)) {
                log.warn("Conversion jobs still running at shutdown; their leases will run out and another instance takes them over");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        requeueOwn();
        dispatcher = null;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void dispatch() {
        long lastRenewal = System.nanoTime();
        while (running) {
            try {
                if (System.nanoTime() - lastRenewal > lease.toNanos() / 3) {
                    renewLeases();
                    lastRenewal = System.nanoTime();
                }
                abandonExhausted();
                int free = concurrency - active.get();
                if (free > 0) {
                    for (ClaimedJob job : claim(free)) {
                        active.incrementAndGet();
                        workers.submit(() -> {
                            try {
                                execute(job);
                            } finally {
                                active.decrementAndGet();
                                wake();
                            }
                        });
                    }
                }
            } catch (RuntimeException e) {
                // The database may be restarting: keep polling, the jobs are safe in it.
                log.warn("Could not look for conversion jobs: {}", e.toString());
            }
            awaitWork(Math.min(pollInterval.toMillis(), lease.toMillis() / 3));
        }
    }

    private void awaitWork(long millis) {
        synchronized (signal) {
            try {
                // A monotonic clock: waiting is not a wall-clock fact, and the config package owns those.
                long deadline = System.nanoTime() + millis * 1_000_000L;
                while (!woken && running) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        break;
                    }
                    signal.wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
            woken = false;
        }
    }

    /** The oldest runnable jobs, at most {@code limit}: queued ones, and running ones whose holder's lease ran out. */
    List<ClaimedJob> claim(int limit) {
        return jdbc.sql("UPDATE conversion_jobs j SET state = 'RUNNING', claimed_by = ?, lease_until = now() + ? * interval '1 millisecond',"
                        + " attempts = j.attempts + 1, updated_at = now(),"
                        + " step = CASE WHEN j.state = 'RUNNING' THEN 'taken over: the instance running it stopped' ELSE 'started' END"
                        + " FROM (SELECT build_id FROM conversion_jobs"
                        + "       WHERE (state = 'QUEUED' OR (state = 'RUNNING' AND (lease_until IS NULL OR lease_until < now()))) AND attempts < ?"
                        + "       ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED) c"
                        + " WHERE j.build_id = c.build_id RETURNING j.build_id, j.account_id, j.kind, j.attempts")
                .params(instance, lease.toMillis(), maxAttempts, limit)
                .query((rs, n) -> new ClaimedJob(rs.getObject("build_id", UUID.class), rs.getObject("account_id", UUID.class),
                        JobKind.valueOf(rs.getString("kind")), rs.getInt("attempts")))
                .list();
    }

    private void execute(ClaimedJob job) {
        Handler handler = handlers.get(job.kind);
        long started = System.nanoTime();
        String outcome = "SUCCEEDED";
        try {
            Build build;
            try {
                build = builds.get(job.accountId, job.buildId);
            } catch (NotFound e) {
                return; // deleted meanwhile; its job row went with it
            }
            if (job.attempt > 1) {
                log.info("Conversion job of image {} started again (attempt {} of {})", job.buildId, job.attempt, maxAttempts);
            }
            handler.run(job, build);
        } catch (LeaseLost e) {
            outcome = "LEASE_LOST";
            log.warn("{}; its result here is dropped", e.getMessage());
        } catch (Exception e) {
            if (stopping) {
                outcome = "REQUEUED";
                requeue(job);
                return;
            }
            outcome = "FAILED";
            boolean explained = e instanceof ConversionService.ConversionFailed || e instanceof RegistryException || handler.explains(e);
            String reason = explained ? e.getMessage() : handler.failurePrefix() + ": " + e;
            if (!explained) {
                log.error("Conversion job of image {} failed", job.buildId, e);
            }
            fail(job, reason);
        } finally {
            Timer.builder("openccm.conversion.jobs")
                    .description("conversion jobs run by this instance, by kind and outcome")
                    .tag("kind", job.kind.name())
                    .tag("outcome", outcome)
                    .register(meters)
                    .record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private void fail(ClaimedJob job, String reason) {
        try {
            tx.executeWithoutResult(s -> {
                int updated = jdbc.sql("UPDATE conversion_jobs SET state = 'FAILED', error = ?, input_credential_enc = NULL, claimed_by = NULL,"
                                + " lease_until = NULL, updated_at = now() WHERE build_id = ? AND claimed_by = ? AND state = 'RUNNING'")
                        .params(reason, job.buildId, instance)
                        .update();
                if (updated == 1) {
                    audit.append(job.accountId, Actor.SYSTEM, "conversion.failed", "build", job.buildId, Map.of("reason", reason));
                }
            });
        } catch (RuntimeException e) {
            // Left RUNNING: its lease runs out and the job is tried again (or abandoned after max-attempts).
            log.warn("Could not record the failed conversion of {}: {}", job.buildId, e.toString());
        }
    }

    /** Fails, with an audit entry, the jobs whose instances died holding them max-attempts times. */
    private void abandonExhausted() {
        tx.executeWithoutResult(s -> {
            String reason = "abandoned: the instance running it stopped " + maxAttempts + " times before it ended";
            record Row(UUID buildId, UUID accountId) {}
            List<Row> abandoned = jdbc.sql("UPDATE conversion_jobs SET state = 'FAILED', error = ?, input_credential_enc = NULL, claimed_by = NULL,"
                            + " lease_until = NULL, updated_at = now()"
                            + " WHERE build_id IN (SELECT build_id FROM conversion_jobs WHERE state = 'RUNNING' AND attempts >= ?"
                            + "   AND (lease_until IS NULL OR lease_until < now()) FOR UPDATE SKIP LOCKED)"
                            + " RETURNING build_id, account_id")
                    .params(reason, maxAttempts)
                    .query((rs, n) -> new Row(rs.getObject("build_id", UUID.class), rs.getObject("account_id", UUID.class)))
                    .list();
            for (Row r : abandoned) {
                log.warn("Conversion job of image {} {}", r.buildId(), reason);
                audit.append(r.accountId(), Actor.SYSTEM, "conversion.failed", "build", r.buildId(), Map.of("reason", reason));
            }
        });
    }

    private void renewLeases() {
        jdbc.sql("UPDATE conversion_jobs SET lease_until = now() + ? * interval '1 millisecond' WHERE claimed_by = ? AND state = 'RUNNING'")
                .params(lease.toMillis(), instance)
                .update();
    }

    private void requeue(ClaimedJob job) {
        requeue("build_id = ? AND claimed_by = ?", job.buildId, instance);
    }

    private void requeueOwn() {
        requeue("claimed_by = ?", instance);
    }

    private void requeue(String where, Object... params) {
        try {
            // Not the job's fault: the attempt does not count.
            int n = jdbc.sql("UPDATE conversion_jobs SET state = 'QUEUED', step = 'queued again: the instance running it stopped',"
                            + " claimed_by = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0), updated_at = now()"
                            + " WHERE state = 'RUNNING' AND " + where)
                    .params(params)
                    .update();
            if (n > 0) {
                log.info("Put {} unfinished conversion job(s) back in the queue for another instance", n);
            }
        } catch (RuntimeException e) {
            log.warn("Could not put unfinished conversion jobs back in the queue ({}); their leases will run out", e.toString());
        }
    }
}
