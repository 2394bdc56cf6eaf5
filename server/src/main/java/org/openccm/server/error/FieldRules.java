// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.error;

import java.util.Locale;
import java.util.regex.Pattern;

/** The value rules shared by the request types, each failing with an {@link InvalidField} naming the field. */
public final class FieldRules {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]*");

    private FieldRules() {}

    public static <T> T required(String field, T value) {
        if (value == null) {
            throw new InvalidField(field, "required");
        }
        return value;
    }

    public static String text(String field, String value, int maxLength) {
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw new InvalidField(field, "must not be blank");
        }
        if (value.length() > maxLength) {
            throw new InvalidField(field, "must have at most " + maxLength + " characters");
        }
        return value.trim();
    }

    public static Integer range(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new InvalidField(field, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public static Long range(String field, Long value, long min, long max) {
        if (value != null && (value < min || value > max)) {
            throw new InvalidField(field, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /**
     * A hex value of exactly {@code bytes} bytes, returned in lower case, the one case OpenCCM stores and compares.
     */
    public static String hex(String field, String value, int bytes) {
        if (value == null) {
            return null;
        }
        String lower = value.trim().toLowerCase(Locale.ROOT);
        if (!HEX.matcher(lower).matches()) {
            throw new InvalidField(field, "must be hexadecimal (0-9, a-f)");
        }
        if (lower.length() != bytes * 2) {
            throw new InvalidField(
                    field,
                    "must be " + bytes * 2 + " hex characters (" + bytes + " bytes), got " + lower.length());
        }
        return lower;
    }

    public static void absent(String field, Object value, String why) {
        if (value != null) {
            throw new InvalidField(field, why);
        }
    }
}
