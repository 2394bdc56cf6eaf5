// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The API document at /v1/openapi.json and its browsable page at /v1/docs. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    @Bean
    OpenAPI openCcmApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("OpenCCM")
                        .version("v1")
                        .description("Open-source Confidential Computing Manager. Follows the shapes of Fortanix"
                                + " CCM's /v1 API. Log in with POST /v1/sys/auth (HTTP Basic) and send the"
                                + " access_token as a bearer token.")
                        .license(new License().name("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }

    // The document generator reads models with its own (Jackson 2) mapper, which does not see the server's
    // snake_case setting; without this it would describe fields under names the API does not accept.
    @Bean
    ModelResolver snakeCaseModelResolver() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }
}
