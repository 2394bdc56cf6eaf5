// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.nitro;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the measurement JSON printed by {@code nitro-cli build-enclave}, {@code describe-eif} and
 * {@code describe-enclaves} ({@code {"Measurements": {"PCR0": ...}}}), and the lower-case {@code {"pcrs":
 * {"pcr0": ...}}} form some tools write. {@code HashAlgorithm} is a Rust Debug string ("Sha384 { ... }") and is
 * deliberately not interpreted: the length of each PCR is what proves SHA-384.
 */
public final class NitroMeasurementsParser {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern PCR_KEY = Pattern.compile("pcr(\\d{1,2})", Pattern.CASE_INSENSITIVE);
    private static final Pattern SHA384_HEX = Pattern.compile("[0-9a-f]{96}");

    private NitroMeasurementsParser() {}

    public static NitroMeasurements parse(String json) throws EvidenceRejected {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new EvidenceRejected(Reason.MALFORMED, "measurements", "not valid JSON: " + e.getOriginalMessage());
        }
        return parse(root);
    }

    public static NitroMeasurements parse(JsonNode root) throws EvidenceRejected {
        if (root.isArray() && root.size() == 1) {
            // describe-enclaves prints an array with one entry per running enclave
            root = root.get(0);
        }
        JsonNode measurements = field(root, "Measurements");
        if (measurements == null) {
            measurements = field(root, "pcrs");
        }
        if (measurements == null || !measurements.isObject()) {
            throw new EvidenceRejected(
                    Reason.MALFORMED, "Measurements", "expected an object {\"Measurements\": {\"PCR0\": ...}}");
        }
        Map<Integer, String> pcrs = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : measurements.properties()) {
            Matcher key = PCR_KEY.matcher(entry.getKey());
            if (!key.matches()) {
                continue;
            }
            int index = Integer.parseInt(key.group(1));
            String field = "Measurements." + entry.getKey();
            if (index > 31) {
                throw new EvidenceRejected(Reason.MALFORMED, field, "Nitro has PCR0 to PCR31");
            }
            if (!entry.getValue().isString()) {
                throw new EvidenceRejected(Reason.MALFORMED, field, "must be a hex string");
            }
            String value = entry.getValue().asString().toLowerCase(Locale.ROOT);
            if (!SHA384_HEX.matcher(value).matches()) {
                throw new EvidenceRejected(
                        Reason.MEASUREMENT, field, "must be 96 hex characters (SHA-384), got " + value.length());
            }
            if (pcrs.put(index, value) != null) {
                throw new EvidenceRejected(Reason.MALFORMED, field, "PCR" + index + " appears twice");
            }
        }
        for (int required = 0; required <= 2; required++) {
            if (!pcrs.containsKey(required)) {
                throw new EvidenceRejected(
                        Reason.MALFORMED, "Measurements.PCR" + required, "missing; nitro-cli always prints PCR0-2");
            }
        }
        return new NitroMeasurements(new TreeMap<>(pcrs));
    }

    private static JsonNode field(JsonNode node, String name) {
        if (!node.isObject()) {
            return null;
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            if (property.getKey().equalsIgnoreCase(name)) {
                return property.getValue();
            }
        }
        return null;
    }
}
