// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.collateral;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * GETs from a vendor service: bounded time, a 429 retried after its Retry-After (at most {@link #MAX_ATTEMPTS}
 * attempts, waits capped at a minute), 404 as "the vendor has none", anything else as unavailable. Every fetch is
 * counted and timed by vendor and outcome ({@code openccm_collateral_fetches_seconds}): an operator sees a vendor
 * service failing before attestations start to be refused for stale collateral.
 */
final class VendorHttp {
    static final int MAX_ATTEMPTS = 3;
    private static final Duration MAX_WAIT = Duration.ofMinutes(1);
    private final HttpClient http;
    private final String vendor;
    private final MeterRegistry metrics;

    /** Unmeasured (tests' own responders). */
    VendorHttp() {
        this(HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build(), "other", null);
    }

    private VendorHttp(HttpClient http, String vendor, MeterRegistry metrics) {
        this.http = http;
        this.vendor = vendor;
        this.metrics = metrics;
    }

    /** The same connections, with fetches measured under {@code vendor}. */
    VendorHttp measured(String vendor, MeterRegistry metrics) {
        return new VendorHttp(http, vendor, metrics);
    }

    /** A configured URL without its trailing slashes; empty (the service is not used) when blank or {@code off}. */
    static String configured(String url) {
        String u = url == null ? "" : url.strip();
        return u.isEmpty() || u.equalsIgnoreCase("off") ? "" : u.replaceAll("/+$", "");
    }

    /** The service did not answer usefully (unreachable, 5xx, or still 429 after the retries). */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The response when the vendor has the item; empty on 404. */
    Optional<HttpResponse<byte[]>> get(String url) throws Unavailable {
        return send(url, null, null);
    }

    /** A POST of {@code body} as {@code contentType} (an OCSP request); the answer as {@link #get}'s. */
    Optional<HttpResponse<byte[]>> post(String url, String contentType, byte[] body) throws Unavailable {
        return send(url, contentType, body);
    }

    private Optional<HttpResponse<byte[]>> send(String url, String contentType, byte[] body) throws Unavailable {
        long start = System.nanoTime();
        String outcome = "unavailable";
        try {
            Optional<HttpResponse<byte[]>> answer = attempt(url, contentType, body);
            outcome = answer.isPresent() ? "fetched" : "absent";
            return answer;
        } finally {
            if (metrics != null) {
                Timer.builder("openccm.collateral.fetches")
                        .description("requests to vendor collateral services (PCS, KDS, RIM, OCSP) by vendor and outcome")
                        .tag("vendor", vendor)
                        .tag("outcome", outcome)
                        .register(metrics)
                        .record(Duration.ofNanos(System.nanoTime() - start));
            }
        }
    }

    private Optional<HttpResponse<byte[]>> attempt(String url, String contentType, byte[] body) throws Unavailable {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
                if (body == null) {
                    request.GET();
                } else {
                    request.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
                }
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new Unavailable(url + " is unreachable: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted while fetching " + url, e);
            } catch (IllegalArgumentException e) {
                throw new Unavailable("not a URL: " + url, e);
            }
            int status = response.statusCode();
            if (status == 200) {
                return Optional.of(response);
            }
            if (status == 404) {
                return Optional.empty();
            }
            if (status == 429 && attempt < MAX_ATTEMPTS) {
                sleep(retryAfter(response));
                continue;
            }
            throw new Unavailable(url + " answered " + status, null);
        }
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        Duration wait = response.headers().firstValue("Retry-After")
                .filter(v -> v.strip().matches("\\d{1,6}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v.strip())))
                .orElse(Duration.ofSeconds(10));
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }

    static void sleep(Duration wait) throws Unavailable {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting", e);
        }
    }
}
