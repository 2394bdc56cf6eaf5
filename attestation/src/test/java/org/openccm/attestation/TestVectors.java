// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real samples kept in the repository's {@code testdata/}, whose {@code SOURCES.md} records their provenance,
 * licences and verification clocks. Found from the working directory upwards, or from {@code -Dopenccm.vectors=DIR}.
 */
public final class TestVectors {
    private TestVectors() {}

    public static Path root() {
        String configured = System.getProperty("openccm.vectors");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata");
            if (Files.isRegularFile(candidate.resolve("SOURCES.md"))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "the test vectors (testdata/ at the repository root) are missing; set -Dopenccm.vectors=DIR");
    }

    public static Path path(String relative) {
        Path file = root().resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("missing test vector " + file);
        }
        return file;
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
