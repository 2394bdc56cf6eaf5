// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.TestPostgres;

/**
 * Two instances over one PostgreSQL (and one master key, their own data directories) are one service to a client: a
 * token issued by one is accepted by the other, and a session ended on one is ended on both.
 */
class TwoInstancesTest extends ApiTest {
    @Test
    void aTokenFromOneInstanceWorksOnTheOtherAndALogOutEndsItOnBoth() throws Exception {
        try (var second = anotherServer(TestPostgres.database())) {
            Api other = apiOf(second);
            api.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);

            other.as(api.token()).get("/v1/user").expect(200);
            other.logIn(ADMIN_EMAIL, ADMIN_PASSWORD).expect(200);
            api.as(other.token()).get("/v1/user").expect(200);

            String token = api.token();
            api.post("/v1/sys/session/terminate", null).expect(204);
            assertThat(other.as(token).get("/v1/user").status()).as("ended on the other instance too").isEqualTo(401);
        }
    }
}
