// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * On the first start (no user in the database) creates the account "Default" and its admin from
 * OPENCCM_ADMIN_EMAIL / OPENCCM_ADMIN_PASSWORD. Without a configured password one is generated and printed
 * this once: it is stored only as a bcrypt hash.
 */
@Component
class FirstAdminBootstrap implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(FirstAdminBootstrap.class);
    private final AccountService accounts;
    private final String email;
    private final String password;

    FirstAdminBootstrap(
            AccountService accounts,
            @Value("${openccm.admin.email}") String email,
            @Value("${openccm.admin.password}") String password) {
        this.accounts = accounts;
        this.email = email;
        this.password = password;
    }

    @Override
    public void run(ApplicationArguments args) {
        boolean generated = password.isEmpty();
        String effective = generated ? Credentials.randomSecret() : password;
        if (!accounts.bootstrapFirstAdmin(email, effective)) {
            return;
        }
        if (generated) {
            // Printed on stdout rather than only logged so it shows even with logging redirected.
            System.out.printf(
                    "%n=== OpenCCM first start: created account \"Default\" with admin %s%n"
                            + "=== Generated password (shown once, not stored in clear): %s%n%n",
                    email, effective);
        } else {
            log.info("First start: created account \"Default\" with admin {} (password from OPENCCM_ADMIN_PASSWORD)", email);
        }
    }
}
