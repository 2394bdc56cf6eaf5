// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.aci;

import java.util.ArrayList;
import java.util.List;

/** Go's path.Clean and path.Split, which decide how tar2ext4 names what it creates (./x is x, a//b/../c is a/c). */
final class GoPath {
    private GoPath() {}

    static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.charAt(0) == '/';
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
                    parts.remove(parts.size() - 1);
                } else if (!rooted) {
                    parts.add("..");
                }
                continue;
            }
            parts.add(part);
        }
        String joined = String.join("/", parts);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }

    /** {dir, file}: dir keeps its trailing slash, as Go's does. */
    static String[] split(String path) {
        int i = path.lastIndexOf('/');
        return new String[] {path.substring(0, i + 1), path.substring(i + 1)};
    }

    static String join(String dir, String file) {
        String joined = dir.isEmpty() ? file : (file.isEmpty() ? dir : dir + "/" + file);
        return joined.isEmpty() ? "" : clean(joined);
    }
}
