// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Failed log-ins lock the account (3 here) and the source address (6 here) for a while (2 s here): a locked account
 * is refused even with its right password, with 429 and Retry-After; the lock and its release are audited.
 */
class LoginThrottleTest extends ApiTest {
    @Autowired
    private JdbcClient jdbc;

    @DynamicPropertySource
    static void limits(DynamicPropertyRegistry registry) {
        registry.add("openccm.auth.max-failures-per-account", () -> "3");
        registry.add("openccm.auth.max-failures-per-address", () -> "6");
        registry.add("openccm.auth.lockout", () -> "PT2S");
    }

    @BeforeEach
    @AfterEach
    void forget() {
        // The suite's servers share this database and all log in from 127.0.0.1: no lock may outlive a test here.
        jdbc.sql("DELETE FROM login_throttle").update();
    }

    @Test
    void anAccountIsLockedAfterItsFailuresEvenForTheRightPasswordAndReleasedAfterTheLockOut() throws Exception {
        api.logInToNewAccount();
        Api member = api.newMember("VIEWER");
        String email = member.get("/v1/user").expect(200).text("user_email");

        for (int i = 0; i < 3; i++) {
            api.as(null).logIn(email, "guess-" + i).expect(401);
        }
        Api.Response locked = api.as(null).logIn(email, "member-password");

        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.raw().headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 3L));
        assertThat(locked.text("code")).isEqualTo("too_many_requests");
        Thread.sleep(2_100);
        api.as(null).logIn(email, "member-password").expect(200);
        JsonNode audit = api.get("/v1/audit?object_id=" + member.userId()).expect(200).body();
        assertThat(audit.findValuesAsString("action")).contains("user.login_locked", "user.login_lock_released");
    }

    @Test
    void anAddressIsLockedAfterItsFailuresAcrossAccounts() {
        for (int i = 0; i < 6; i++) {
            api.as(null).logIn("nobody-" + UUID.randomUUID() + "@openccm.test", "guess").expect(401);
        }

        assertThat(api.as(null).logIn(ADMIN_EMAIL, ADMIN_PASSWORD).status()).as("the address is locked").isEqualTo(429);
    }

    @Test
    void aSuccessfulLogInStartsTheAccountsCountAgain() {
        api.logInToNewAccount();
        String email = api.newMember("VIEWER").get("/v1/user").expect(200).text("user_email");

        api.as(null).logIn(email, "guess-1").expect(401);
        api.as(null).logIn(email, "guess-2").expect(401);
        api.as(null).logIn(email, "member-password").expect(200);
        api.as(null).logIn(email, "guess-3").expect(401);
        api.as(null).logIn(email, "guess-4").expect(401);

        api.as(null).logIn(email, "member-password").expect(200);
    }
}
