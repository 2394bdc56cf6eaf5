// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import org.openccm.server.ApiTest;
import org.openccm.server.OpenCcmServer;
import org.openccm.server.TestPostgres;
import org.springframework.boot.SpringApplication;

/**
 * Two instances over one PostgreSQL (and one master key, their own data directories) are one service to a client: a
 * token issued by one is accepted by the other, and a session ended on one is ended on both.
 */
class TwoInstancesTest extends ApiTest {
    @Test
    void aTokenFromOneInstanceWorksOnTheOtherAndALogOutEndsItOnBoth() throws Exception {
        var db = TestPostgres.database();
        String[] args = {
            "--server.port=0",
            "--openccm.db.url=" + db.url(),
            "--openccm.db.user=" + db.user(),
            "--openccm.db.password=" + db.password(),
            "--openccm.data-dir=" + Files.createTempDirectory("openccm-second-instance"),
            "--openccm.master-key=" + SHARED_MASTER_KEY,
            "--openccm.admin.email=" + ADMIN_EMAIL,
            "--openccm.admin.password=" + ADMIN_PASSWORD
        };
        try (var second = SpringApplication.run(OpenCcmServer.class, args)) {
            Api other = new Api("http://127.0.0.1:" + second.getEnvironment().getProperty("local.server.port"));
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
