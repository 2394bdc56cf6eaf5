// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The log-in kept between commands: server URL and bearer token in {@code credentials.json} of the user's config
 * directory ({@code $OPENCCM_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/openccm}, else {@code ~/.config/openccm}),
 * readable by the user only (0600, directory 0700).
 */
public record Credentials(String server, String token, String email) {

    public static Path directory(Path configured) {
        if (configured != null) {
            return configured;
        }
        String env = System.getenv("OPENCCM_CONFIG_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config")).resolve("openccm");
    }

    public static Optional<Credentials> load(Path directory) {
        Path file = directory.resolve("credentials.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = ApiClient.JSON.readTree(Files.readString(file));
            return Optional.of(new Credentials(json.path("server").asString(), json.path("token").asString(), json.path("email").asString(null)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void save(Path directory) {
        ObjectNode json = ApiClient.JSON.createObjectNode().put("server", server).put("token", token).put("email", email);
        writePrivately(directory.resolve("credentials.json"), json.toPrettyString().getBytes(StandardCharsets.UTF_8));
    }

    public static boolean delete(Path directory) {
        try {
            return Files.deleteIfExists(directory.resolve("credentials.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file readable by its owner only, replacing any previous one atomically; parent directories 0700. */
    public static void writePrivately(Path file, byte[] content) {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(parent)) {
                Files.createDirectories(parent);
                if (posix) {
                    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
                }
            }
            Path temp = posix
                    ? Files.createTempFile(parent, ".openccm-", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(parent, ".openccm-", ".tmp");
            Files.write(temp, content);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
