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

    // The distribution reference grammar: an optional registry (host, optional port), then lower-case path components.
    private static final java.util.regex.Pattern REPOSITORY = java.util.regex.Pattern.compile(
            "((?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]{1,5})?/)?"
                    + "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    /**
     * Why this is not an image repository name (no tag or digest: those have their own fields), or null when it is:
     * {@code registry.example.com:5000/team/app}, {@code nginx}.
     */
    public static String invalidRepository(String name) {
        if (name.length() > 255) {
            return "an image name has at most 255 characters";
        }
        int slash = name.lastIndexOf('/');
        if (name.indexOf('@') >= 0 || name.indexOf(':', slash + 1) >= 0) {
            return "'" + name + "' carries a tag or digest: give the repository here and the tag in docker_info.docker_version";
        }
        if (!REPOSITORY.matcher(name).matches()) {
            return "'" + name + "' is not an image repository name (an optional registry host[:port]/, then lower-case"
                    + " components of a-z, 0-9 and single '.', '_', '__' or '-' separators, joined by '/')";
        }
        return null;
    }
}
