// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config;

import com.fasterxml.jackson.annotation.Nulls;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How request JSON is read beyond application.properties' settings. */
@Configuration(proxyBeanMethods = false)
class JacksonConfig {
    /**
     * A null inside a list or as a map value ({@code "approver_roles": [null]}) is refused with its path, so that no
     * service meets a null element it never expects.
     */
    @Bean
    JsonMapperBuilderCustomizer nullElementsAreRefused() {
        return builder -> builder.changeDefaultNullHandling(v -> v.withContentNulls(Nulls.FAIL));
    }
}
