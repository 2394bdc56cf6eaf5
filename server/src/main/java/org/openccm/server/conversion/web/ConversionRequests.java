// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.web;

import java.util.List;
import org.openccm.server.error.FieldRules;
import org.openccm.server.registry.RegistryService;

/** The parts CCM's conversion requests share (Nitro Enclaves and ACI). */
final class ConversionRequests {
    private ConversionRequests() {}

    record AuthConfig(String username, String password) {}

    /** CCM's ConversionRequestImageInfo: an image name with a tag, and credentials for it alone. */
    record ImageInfo(String name, AuthConfig authConfig) {}

    /** CCM's ConverterOptions; each converter refuses, naming it, an option it does not support. */
    record ConverterOptions(
            Boolean addCcmCaCertificates,
            Boolean allowCmdlineArgs,
            Boolean debug,
            List<String> entrypoint,
            List<String> entrypointArgs,
            List<String> envVars,
            List<String> mutableEnvVars,
            String javaMode) {
        static final ConverterOptions NONE = new ConverterOptions(null, null, null, null, null, null, null, null);
    }

    /** The credential given for an image, validated; null when none is given. */
    static RegistryService.Credential credential(String field, AuthConfig auth) {
        if (auth == null) {
            return null;
        }
        String user = FieldRules.required(field + ".auth_config.username", FieldRules.text(field + ".auth_config.username", auth.username(), 256));
        return new RegistryService.Credential(user, FieldRules.text(field + ".auth_config.password", auth.password(), 8192));
    }

    /** {@code NAME=VALUE} entries (ACI's fixed variables) as a map, in order; {@code field} names the list. */
    static java.util.Map<String, String> env(String field, List<String> entries) {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        if (entries == null) {
            return env;
        }
        for (int i = 0; i < entries.size(); i++) {
            String e = entries.get(i);
            int eq = e == null ? -1 : e.indexOf('=');
            if (eq <= 0) {
                throw new org.openccm.server.error.InvalidField(field + "[" + i + "]", "must be NAME=VALUE");
            }
            env.put(e.substring(0, eq), e.substring(eq + 1));
        }
        return env;
    }
}
