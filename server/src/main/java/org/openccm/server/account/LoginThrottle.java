// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.TooManyRequests;
import org.openccm.server.identity.Actor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Slows password guessing: failed log-ins are counted per account (its e-mail) and per source address within a
 * window; past the limit the key is locked for the lock-out time, during which every log-in for it is refused with
 * 429 and Retry-After, the right password included (so that guessing cannot go on behind the lock). A lock-out and
 * its release are audited in the accounts of the user concerned, and logged. Counts live in PostgreSQL, so all
 * instances of a deployment share them; they are written in their own transaction, since the failed log-in that
 * records one is rolled back.
 */
@Component
public class LoginThrottle {
    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    private final JdbcClient jdbc;
    private final UserRepository users;
    private final AccountRepository accounts;
    private final AuditLog audit;
    private final Clock clock;
    private final int perAccount;
    private final int perAddress;
    private final Duration window;
    private final Duration lockout;

    LoginThrottle(JdbcClient jdbc, UserRepository users, AccountRepository accounts, AuditLog audit, Clock clock,
            @Value("${openccm.auth.max-failures-per-account:5}") int perAccount,
            @Value("${openccm.auth.max-failures-per-address:20}") int perAddress,
            @Value("${openccm.auth.failure-window:PT15M}") Duration window,
            @Value("${openccm.auth.lockout:PT15M}") Duration lockout) {
        this.jdbc = jdbc;
        this.users = users;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
        this.perAccount = perAccount;
        this.perAddress = perAddress;
        this.window = window;
        this.lockout = lockout;
    }

    private record Count(int failures, Instant windowStarted, Instant lockedUntil) {}

    /** Refuses a log-in for a locked account or address; releases (and audits) a lock whose time is over. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void check(String email, String address) {
        Instant now = clock.instant();
        for (String key : List.of(accountKey(email), addressKey(address))) {
            Optional<Count> c = count(key);
            if (c.isEmpty() || c.get().lockedUntil() == null) {
                continue;
            }
            if (now.isBefore(c.get().lockedUntil())) {
                throw new TooManyRequests("too many failed log-ins; try again after " + c.get().lockedUntil(),
                        Duration.between(now, c.get().lockedUntil()).toSeconds() + 1);
            }
            jdbc.sql("DELETE FROM login_throttle WHERE key = ?").param(key).update();
            record(key, email, "user.login_lock_released", Map.of());
        }
    }

    /** Counts a failed log-in; locks the account or address that reaches its limit. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void failed(String email, String address) {
        fail(accountKey(email), email, perAccount);
        fail(addressKey(address), email, perAddress);
    }

    /** A log-in succeeded: the account's count starts again (the address's does not: it may be guessing many). */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void succeeded(String email) {
        jdbc.sql("DELETE FROM login_throttle WHERE key = ?").param(accountKey(email)).update();
    }

    private void fail(String key, String email, int limit) {
        Instant now = clock.instant();
        Optional<Count> c = count(key);
        int failures = c.isEmpty() || c.get().windowStarted().plus(window).isBefore(now) ? 1 : c.get().failures() + 1;
        Instant started = failures == 1 ? now : c.get().windowStarted();
        Instant locked = failures >= limit ? now.plus(lockout) : null;
        jdbc.sql("INSERT INTO login_throttle (key, failures, window_started, locked_until) VALUES (?,?,?,?)"
                        + " ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_started = excluded.window_started,"
                        + " locked_until = excluded.locked_until")
                .params(key, failures, Timestamp.from(started), locked == null ? null : Timestamp.from(locked))
                .update();
        if (locked != null && (c.isEmpty() || c.get().lockedUntil() == null)) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("failures", failures);
            details.put("locked_until", locked.toString());
            record(key, email, "user.login_locked", details);
        }
    }

    /** Audits a lock event in every account of the user the key is about (an address's events go to the log only). */
    private void record(String key, String email, String action, Map<String, ?> details) {
        log.warn("{}: {} {}", action, key, details);
        if (!key.startsWith("account:")) {
            return;
        }
        users.findByEmail(email).ifPresent(user -> accounts.membershipsOf(user.id()).forEach(m -> {
            Map<String, Object> d = new LinkedHashMap<>(details);
            d.put("user_email", user.email());
            audit.append(m.account().id(), Actor.SYSTEM, action, "user", user.id(), d);
        }));
    }

    private Optional<Count> count(String key) {
        return jdbc.sql("SELECT failures, window_started, locked_until FROM login_throttle WHERE key = ?")
                .param(key)
                .query((rs, n) -> new Count(rs.getInt(1), rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()))
                .optional();
    }

    private static String accountKey(String email) {
        String e = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
        return "account:" + (e.length() > 320 ? e.substring(0, 320) : e);
    }

    private static String addressKey(String address) {
        return "address:" + (address == null ? "unknown" : address);
    }
}
