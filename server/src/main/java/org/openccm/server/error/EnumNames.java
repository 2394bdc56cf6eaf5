// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The wire name of an enum constant: its {@code @JsonProperty} when it has one, else its Java name. */
public final class EnumNames {
    private EnumNames() {}

    public static String jsonName(Object constant) {
        Enum<?> e = (Enum<?>) constant;
        try {
            JsonProperty renamed = e.getDeclaringClass().getField(e.name()).getAnnotation(JsonProperty.class);
            return renamed != null ? renamed.value() : e.name();
        } catch (NoSuchFieldException impossible) {
            return e.name();
        }
    }
}
