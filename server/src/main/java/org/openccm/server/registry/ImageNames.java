// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.registry;

import java.util.Locale;
import java.util.Optional;

/** Docker's rules for the registry part of an image reference. */
public final class ImageNames {
    public static final String DOCKER_HUB = "docker.io";

    private ImageNames() {}

    /**
     * The registry an image name names explicitly: its first component when that contains a '.' or ':' or is
     * "localhost" (Docker's rule); empty for a bare name such as {@code library/nginx}.
     */
    public static Optional<String> explicitRegistry(String imageName) {
        int slash = imageName.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String first = imageName.substring(0, slash);
        if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
            return Optional.of(normalize(first));
        }
        return Optional.empty();
    }

    /** The registry an image is pulled from: the explicit one, else Docker Hub. */
    public static String registryOf(String imageName) {
        return explicitRegistry(imageName).orElse(DOCKER_HUB);
    }

    /** A registry URL as stored: no scheme, no trailing slash, lower case; Docker Hub's aliases become docker.io. */
    public static String normalize(String url) {
        String u = url.trim().toLowerCase(Locale.ROOT);
        if (u.startsWith("https://")) {
            u = u.substring(8);
        } else if (u.startsWith("http://")) {
            u = u.substring(7);
        }
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.equals("index.docker.io") || u.equals("registry-1.docker.io")) {
            return DOCKER_HUB;
        }
        return u;
    }
}
