// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the real samples in the repository's {@code testdata/} (provenance and licences in its SOURCES.md). */
public final class TestFiles {
    private TestFiles() {}

    public static Path vector(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata").resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("missing test vector testdata/" + relative);
    }
}
