// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.build.web;

import java.util.Set;
import org.openccm.server.build.ImageAttributes;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.module.SimpleModule;

/**
 * Image attributes in both shapes clients send: OpenCCM's (and Fortanix's examples') one object with one platform's
 * key, {@code {"nitro_enclave": {...}}}, and the shape Fortanix's API description declares, a map from a name to
 * such an object, {@code {"default": {"nitro_enclave": {...}}}}. An image has one platform's reference values, so
 * the map must hold exactly one entry.
 */
@Configuration(proxyBeanMethods = false)
class ImageAttributesJson {
    private static final Set<String> PLATFORM_KEYS =
            Set.of("sgx", "nitro_enclave", "aci", "azure_cvm", "baremetal_tdx", "baremetal_amd_sev_snp");

    @Bean
    JsonMapperBuilderCustomizer imageAttributesInEitherShape() {
        return builder -> builder.addModule(new SimpleModule("image-attributes-shapes").setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyDeserializer(
                    DeserializationConfig config, BeanDescription.Supplier description, ValueDeserializer<?> deserializer) {
                return description.getBeanClass() == ImageAttributes.class ? new MapOrOne(deserializer) : deserializer;
            }
        }));
    }

    /** Unwraps the map shape, then reads the one object with the ordinary (strict) deserializer. */
    private static final class MapOrOne extends ValueDeserializer<Object> {
        private final ValueDeserializer<?> delegate;

        MapOrOne(ValueDeserializer<?> delegate) {
            this.delegate = delegate;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            JsonNode tree = ctxt.readTree(p);
            if (tree.isObject() && !tree.isEmpty() && tree.propertyNames().stream().noneMatch(PLATFORM_KEYS::contains)) {
                if (tree.size() != 1) {
                    return ctxt.reportInputMismatch(ImageAttributes.class,
                            "an image has one platform's attributes: the map holds one entry, not " + tree.size());
                }
                tree = tree.values().iterator().next();
            }
            JsonParser inner = tree.traverse(ctxt);
            inner.nextToken();
            return delegate.deserialize(inner, ctxt);
        }

        @Override
        public void resolve(DeserializationContext ctxt) {
            delegate.resolve(ctxt);
        }

        @Override
        public ValueDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            ValueDeserializer<?> contextual = delegate.createContextual(ctxt, property);
            return contextual == delegate ? this : new MapOrOne(contextual);
        }
    }
}
