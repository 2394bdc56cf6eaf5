// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RegistryClientConfig {
    /** Plain HTTP only for the loopback hosts listed in openccm.registry.insecure-hosts. */
    @Bean
    OciRegistryClient ociRegistryClient(@Value("${openccm.registry.insecure-hosts}") List<String> insecureHosts) {
        return new OciRegistryClient(insecureHosts);
    }
}
