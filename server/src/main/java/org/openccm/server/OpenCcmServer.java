// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class OpenCcmServer {
    public static void main(String[] args) {
        SpringApplication.run(OpenCcmServer.class, args);
    }
}
