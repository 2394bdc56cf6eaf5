// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's first command as a user runs it: nothing configured but a data directory, so the server starts its
 * embedded PostgreSQL, creates the first admin with a generated password and prints it. The other HTTP tests set
 * every property, which is how an empty default once broke start-up unnoticed.
 */
class DefaultStartTest {
    private static final Pattern GENERATED = Pattern.compile("Generated password \\(shown once, not stored in clear\\): (\\S+)");

    @Test
    void startsWithDefaultsAndPrintsTheFirstAdminPassword() throws Exception {
        Path dataDir = Files.createTempDirectory("openccm-default-start");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        ConfigurableApplicationContext context;
        System.setOut(new PrintStream(new TeeStream(stdout, captured), true, StandardCharsets.UTF_8));
        try {
            context = SpringApplication.run(
                    OpenCcmServer.class, "--openccm.data-dir=" + dataDir, "--server.port=0");
        } finally {
            System.setOut(stdout);
        }
        try (context) {
            Matcher m = GENERATED.matcher(captured.toString(StandardCharsets.UTF_8));
            assertThat(m.find()).as("the generated password is printed").isTrue();
            String port = context.getEnvironment().getRequiredProperty("local.server.port");
            Api api = new Api("http://127.0.0.1:" + port);
            api.logIn("admin@openccm.local", m.group(1)).expect(200);
            assertThat(api.get("/v1/accounts").expect(200).body().size()).isEqualTo(1);
            assertThat(api.logIn("admin@openccm.local", "not-the-password").status()).isEqualTo(401);
            assertThat(dataDir.resolve("master.key")).exists();
        }
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
