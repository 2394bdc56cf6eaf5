// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RegistryClientConfig {
    /**
     * Plain HTTP only for the hosts listed in openccm.registry.insecure-hosts; internal networks only those listed in
     * openccm.registry.allowed-networks.
     */
    @Bean
    OciRegistryClient ociRegistryClient(
            @Value("${openccm.registry.insecure-hosts}") List<String> insecureHosts,
            @Value("${openccm.registry.allowed-networks:}") List<String> allowedNetworks) {
        return new OciRegistryClient(insecureHosts, new NetworkRules(allowedNetworks));
    }
}
