// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.config.web;

import com.fasterxml.jackson.annotation.JsonAlias;
import org.openccm.server.error.EnumNames;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterFactory;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Enum query and path parameters read as JSON bodies read them: by wire name ({@code @JsonProperty}), by any
 * {@code @JsonAlias} (Fortanix CCM's spellings, e.g. {@code ?status=INPROGRESS}) or by Java name, so a filter value
 * means the same in a URL as in a body.
 */
@Configuration
class EnumParameterConfig implements WebMvcConfigurer {
    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverterFactory(new WireNames());
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class WireNames implements ConverterFactory<String, Enum> {
        @Override
        public <T extends Enum> Converter<String, T> getConverter(Class<T> type) {
            return value -> {
                String v = value.trim();
                if (v.isEmpty()) {
                    return null;
                }
                for (T constant : type.getEnumConstants()) {
                    if (matches(type, constant, v)) {
                        return constant;
                    }
                }
                throw new IllegalArgumentException("not one of the values of " + type.getSimpleName() + ": " + v);
            };
        }

        private static boolean matches(Class<?> type, Enum<?> constant, String value) {
            if (constant.name().equals(value) || EnumNames.jsonName(constant).equals(value)) {
                return true;
            }
            try {
                JsonAlias aliases = type.getField(constant.name()).getAnnotation(JsonAlias.class);
                return aliases != null && java.util.Arrays.asList(aliases.value()).contains(value);
            } catch (NoSuchFieldException impossible) {
                return false;
            }
        }
    }
}
