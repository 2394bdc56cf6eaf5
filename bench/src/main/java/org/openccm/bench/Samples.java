// SPDX-License-Identifier: Apache-2.0
package org.openccm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real samples the verification benchmarks run on: the repository's testdata/, or -Dopenccm.vectors=DIR. */
final class Samples {
    private Samples() {}

    static byte[] read(String relative) throws IOException {
        String configured = System.getProperty("openccm.vectors");
        Path root = configured != null ? Path.of(configured) : null;
        for (Path dir = Path.of("").toAbsolutePath(); root == null && dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata");
            if (Files.isRegularFile(candidate.resolve("SOURCES.md"))) {
                root = candidate;
            }
        }
        if (root == null) {
            throw new IllegalStateException("the vectors (testdata/ at the repository root) are missing; set -Dopenccm.vectors=DIR");
        }
        return Files.readAllBytes(root.resolve(relative));
    }
}
