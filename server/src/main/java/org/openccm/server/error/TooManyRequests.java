// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

/** Refused for now: 429, with the seconds after which asking again may succeed (the Retry-After header). */
public final class TooManyRequests extends ApiException {
    private static final long serialVersionUID = 1L;
    private final long retryAfterSeconds;

    public TooManyRequests(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public int status() {
        return 429; // Too Many Requests
    }

    @Override
    public String code() {
        return "too_many_requests";
    }
}
