// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import org.openccm.server.error.InvalidField;

/** Rules for what users type as credentials, and the generation of secrets OpenCCM hands out. */
public final class Credentials {
    public static final int MIN_PASSWORD_LENGTH = 12;
    public static final String API_KEY_PREFIX = "occm_";
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,253}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Credentials() {}

    public static String email(String field, String email) {
        if (email == null || email.isBlank()) {
            throw new InvalidField(field, "required");
        }
        String trimmed = email.trim();
        if (!EMAIL.matcher(trimmed).matches()) {
            throw new InvalidField(field, "not an email address");
        }
        return trimmed;
    }

    public static String password(String field, String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new InvalidField(field, "must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.length() > 128) {
            throw new InvalidField(field, "must have at most 128 characters");
        }
        return password;
    }

    /** 24 random bytes, base64url: 192 bits, easy to paste. */
    public static String randomSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
