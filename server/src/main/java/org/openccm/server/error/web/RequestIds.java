// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error.web;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/** The id a request carries through the logs and its error body ({@code X-Request-Id}, MDC {@code request_id}). */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "request_id";
    /** Ids a caller may bring: short and without characters that could forge log lines or headers. */
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {}

    public static String acceptOrCreate(String offered) {
        return offered != null && ACCEPTED.matcher(offered).matches() ? offered : create();
    }

    public static String create() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** The id of the request this thread is answering, or null outside a request. */
    public static String current() {
        return MDC.get(MDC_KEY);
    }
}
