// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion;

import java.util.List;
import java.util.Map;

/**
 * How an ACI image's policy and deployment template are made (CCM's AciConversionRequestOptions plus the
 * ConverterOptions ACI uses): CPU count and memory go into the template's resource requests, {@code env} and the
 * entrypoint overrides into both the template and the policy, {@code debug} makes a debug policy.
 */
public record AciOptions(
        int cpuCount,
        double gbMem,
        boolean waitForAgent,
        boolean debug,
        List<String> entrypoint,
        List<String> entrypointArgs,
        Map<String, String> env) {
    public static final AciOptions DEFAULTS = new AciOptions(1, 1, true, false, null, null, Map.of());
}
