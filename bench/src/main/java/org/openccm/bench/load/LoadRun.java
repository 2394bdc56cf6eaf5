// SPDX-License-Identifier: Apache-2.0
package org.openccm.bench.load;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * One measured run against one endpoint: open loop (a fixed send schedule, latency counted from each request's
 * scheduled instant, so a server that falls behind is charged for the wait it causes instead of slowing the
 * sender down: no coordinated omission) or closed loop (N clients, each sending its next request when the previous
 * answer came: the most the server answers).
 */
final class LoadRun {
    /** How long the driver waits for answers after the last scheduled send; later ones count as errors. */
    private static final Duration DRAIN = Duration.ofSeconds(15);

    /** What a run measured. {@code latenciesNanos} of the answered requests, sorted; {@code firstError} a sample. */
    record Result(String endpoint, String load, long[] latenciesNanos, long errors, double achievedPerSecond, String firstError) {
        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, Math.min(index, latenciesNanos.length - 1))] / 1e6;
        }
    }

    private final HttpClient client;

    LoadRun(HttpClient client) {
        this.client = client;
    }

    /**
     * Sends {@code requests.apply(i)} at start + i / rate for {@code duration}; a null request means the source ran
     * out (the run ends there). A request that is not answered with 2xx, or not within the drain time, is an error.
     */
    Result openLoop(String endpoint, IntFunction<HttpRequest> requests, int perSecond, Duration duration) throws InterruptedException {
        long count = duration.toNanos() * perSecond / 1_000_000_000L;
        long interval = 1_000_000_000L / perSecond;
        Recorder recorder = new Recorder();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long sent = 0;
        for (int i = 0; i < count; i++) {
            HttpRequest request = requests.apply(i);
            if (request == null) {
                break;
            }
            long scheduled = start + i * interval;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            pending.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .whenComplete((response, failure) -> recorder.record(scheduled, response, failure)));
            sent++;
        }
        awaitAll(pending, recorder);
        long window = Math.max(recorder.lastAnswer.get(), start + sent * interval) - start;
        return recorder.result(endpoint, perSecond + "/s", sent, window);
    }

    /** {@code clients} senders, each waiting for its answer before its next request, for {@code duration}. */
    Result closedLoop(String endpoint, IntFunction<HttpRequest> requests, int clients, Duration duration) throws InterruptedException {
        Recorder recorder = new Recorder();
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            senders.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    long i = next.getAndIncrement();
                    HttpRequest request = i > Integer.MAX_VALUE ? null : requests.apply((int) i);
                    if (request == null) {
                        return;
                    }
                    long sentAt = System.nanoTime();
                    try {
                        recorder.record(sentAt, client.send(request, HttpResponse.BodyHandlers.ofByteArray()), null);
                    } catch (java.io.IOException e) {
                        recorder.record(sentAt, null, e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        for (Thread sender : senders) {
            sender.join();
        }
        long window = recorder.lastAnswer.get() - start;
        return recorder.result(endpoint, "closed loop, " + clients + " clients", recorder.answered(), window);
    }

    private static void awaitAll(List<CompletableFuture<?>> pending, Recorder recorder) {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        for (CompletableFuture<?> f : pending) {
            long left = deadline - System.nanoTime();
            try {
                f.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                recorder.unanswered();
                f.cancel(true);
            } catch (java.util.concurrent.ExecutionException e) {
                // recorded by whenComplete
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Latencies and errors as answers arrive, from any thread. */
    private static final class Recorder {
        private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong lastAnswer = new AtomicLong();
        private final AtomicReference<String> firstError = new AtomicReference<>();

        void record(long from, HttpResponse<byte[]> response, Throwable failure) {
            long now = System.nanoTime();
            lastAnswer.accumulateAndGet(now, Math::max);
            if (failure != null) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, failure.toString());
            } else if (response.statusCode() / 100 != 2) {
                errors.incrementAndGet();
                String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
                firstError.compareAndSet(null, response.statusCode() + " " + body.substring(0, Math.min(body.length(), 300)));
            } else {
                latencies.add(now - from);
            }
        }

        void unanswered() {
            errors.incrementAndGet();
            firstError.compareAndSet(null, "no answer within " + DRAIN.toSeconds() + " s after the last send");
        }

        long answered() {
            return latencies.size() + errors.get();
        }

        Result result(String endpoint, String load, long sent, long windowNanos) {
            long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(sorted);
            double achieved = windowNanos <= 0 ? 0 : sorted.length / (windowNanos / 1e9);
            return new Result(endpoint, load, sorted, errors.get() + Math.max(0, sent - sorted.length - errors.get()), achieved, firstError.get());
        }
    }
}
