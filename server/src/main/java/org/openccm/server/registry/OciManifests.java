// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What OpenCCM accepts of a manifest a registry serves (OCI or Docker, image or index) before it fetches anything the
 * manifest names: every descriptor's digest is {@code sha256:} and 64 lower-case hex digits (so no digest can steer
 * a request elsewhere), sizes are non-negative, and an image has a config and at most {@value #MAX_LAYERS} layers.
 */
public final class OciManifests {
    static final int MAX_LAYERS = 1000;
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OciManifests() {}

    /** The manifest's JSON, checked; an {@link IllegalArgumentException} says what is wrong with it. */
    public static JsonNode parse(byte[] bytes) {
        JsonNode m;
        try {
            m = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the manifest is not JSON");
        }
        if (m == null || !m.isObject()) {
            throw new IllegalArgumentException("the manifest is not a JSON object");
        }
        if (m.path("schemaVersion").asInt(0) != 2) {
            throw new IllegalArgumentException("the manifest's schemaVersion is not 2");
        }
        if (m.has("manifests")) {
            JsonNode list = m.path("manifests");
            if (!list.isArray() || list.size() > MAX_LAYERS) {
                throw new IllegalArgumentException("the index's manifests are not a list of at most " + MAX_LAYERS);
            }
            for (int i = 0; i < list.size(); i++) {
                descriptor(list.get(i), "manifests[" + i + "]");
            }
            return m;
        }
        descriptor(m.path("config"), "config");
        JsonNode layers = m.path("layers");
        if (!layers.isArray() || layers.size() > MAX_LAYERS) {
            throw new IllegalArgumentException("the manifest's layers are not a list of at most " + MAX_LAYERS);
        }
        for (int i = 0; i < layers.size(); i++) {
            descriptor(layers.get(i), "layers[" + i + "]");
        }
        return m;
    }

    private static void descriptor(JsonNode d, String where) {
        if (!d.isObject()) {
            throw new IllegalArgumentException("the manifest's " + where + " is not a descriptor");
        }
        if (!DIGEST.matcher(d.path("digest").asString("")).matches()) {
            throw new IllegalArgumentException("the manifest's " + where + ".digest is not sha256:<64 hex digits>");
        }
        if (d.has("size") && (!d.path("size").canConvertToLong() || d.path("size").asLong() < 0)) {
            throw new IllegalArgumentException("the manifest's " + where + ".size is not a size");
        }
    }
}
