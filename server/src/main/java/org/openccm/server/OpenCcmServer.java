// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/**
 * OpenCCM: registers TEE images, approves them, verifies attestation evidence and issues certificates. Users
 * authenticate against OpenCCM's own accounts, so Spring's generated in-memory user is switched off.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
public class OpenCcmServer {
    public static void main(String[] args) {
        SpringApplication.run(OpenCcmServer.class, args);
    }
}
