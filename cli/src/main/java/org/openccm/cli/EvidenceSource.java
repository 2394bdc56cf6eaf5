// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Where the agent gets evidence that carries its 64 bytes of report data (the binding digest, then zeros): the
 * kernel's configfs-tsm interface (SEV-SNP and TDX guests), or a command the operator names for anything else.
 */
public interface EvidenceSource {
    /** The evidence document, and the signing certificate when the platform hands it out beside it (SNP's VCEK). */
    record Evidence(byte[] document, byte[] signingCertificate) {}

    Evidence obtain(byte[] reportData, byte[] nonce);

    /**
     * Linux configfs-tsm ({@code Documentation/ABI/testing/configfs-tsm}): make a report entry, write {@code inblob},
     * read {@code outblob} (the SNP report or TD quote) and, for SNP, {@code auxblob} (the certificate table with the
     * VCEK); {@code generation} must not change in between, or another writer raced us.
     */
    record ConfigfsTsm(Path reportDir) implements EvidenceSource {
        public static final UUID VCEK_GUID = UUID.fromString("63da758d-e664-4564-adc5-f4b93be8accd");
        public static final UUID VLEK_GUID = UUID.fromString("a8074bc2-a25a-483e-aae6-39c045a0b8a1");

        @Override
        public Evidence obtain(byte[] reportData, byte[] nonce) {
            Path entry = reportDir.resolve("openccm-" + UUID.randomUUID());
            try {
                Files.createDirectory(entry);
                try {
                    String before = generation(entry);
                    Files.write(entry.resolve("inblob"), reportData);
                    byte[] report = Files.readAllBytes(outblob(entry));
                    Path aux = entry.resolve("auxblob");
                    byte[] certificates = Files.isRegularFile(aux) ? Files.readAllBytes(aux) : null;
                    String after = generation(entry);
                    if (before != null && after != null && Long.parseLong(after) != Long.parseLong(before) + 1) {
                        throw new IllegalStateException("configfs-tsm: another writer used " + entry + " at the same time (generation "
                                + before + " -> " + after + ")");
                    }
                    if (report.length == 0) {
                        throw new IllegalStateException("configfs-tsm: " + entry.resolve("outblob") + " is empty");
                    }
                    return new Evidence(report, certificates == null ? null : signingCertificate(certificates));
                } finally {
                    deleteEntry(entry);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("configfs-tsm at " + reportDir + ": " + e.getMessage(), e);
            }
        }

        /**
         * The kernel makes {@code outblob} when it is read; a simulated platform (openccm simulate snp) writes it into
         * a plain directory a moment later, so a missing one is waited for, 10 seconds at most.
         */
        private static Path outblob(Path entry) throws IOException {
            Path out = entry.resolve("outblob");
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (!Files.exists(out)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no outblob appeared in " + entry);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            return out;
        }

        private static String generation(Path entry) throws IOException {
            Path g = entry.resolve("generation");
            return Files.isRegularFile(g) ? Files.readString(g).strip() : null;
        }

        private static void deleteEntry(Path entry) throws IOException {
            // The kernel's entry is a directory whose attributes vanish with it; a plain directory needs emptying.
            try (var files = Files.list(entry)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException kernelAttributes) {
                // configfs attributes cannot be deleted one by one
            }
            Files.deleteIfExists(entry);
        }

        /** The VCEK (or VLEK) of the GHCB certificate table: 24-byte entries (GUID, offset, length), zero-terminated. */
        static byte[] signingCertificate(byte[] table) {
            ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
            for (int at = 0; at + 24 <= table.length; at += 24) {
                byte[] guid = Arrays.copyOfRange(table, at, at + 16);
                int offset = b.getInt(at + 16);
                int length = b.getInt(at + 20);
                if (offset == 0 && length == 0) {
                    break;
                }
                if ((Arrays.equals(guid, guidBytes(VCEK_GUID)) || Arrays.equals(guid, guidBytes(VLEK_GUID)))
                        && offset >= 0 && length > 0 && offset + length <= table.length) {
                    return Arrays.copyOfRange(table, offset, offset + length);
                }
            }
            return null;
        }

        /** A GUID as the firmware writes it: the first three fields little-endian, the rest as is. */
        public static byte[] guidBytes(UUID id) {
            ByteBuffer b = ByteBuffer.allocate(16);
            long msb = id.getMostSignificantBits();
            b.order(ByteOrder.LITTLE_ENDIAN).putInt((int) (msb >>> 32)).putShort((short) (msb >>> 16)).putShort((short) msb);
            b.order(ByteOrder.BIG_ENDIAN).putLong(id.getLeastSignificantBits());
            return b.array();
        }
    }

    /**
     * A command that prints the evidence (raw bytes) on its standard output, given the report data in
     * {@code OPENCCM_REPORT_DATA} (128 hex digits: the binding digest, then zeros), the nonce in {@code OPENCCM_NONCE}
     * (base64) and the platform in {@code OPENCCM_PLATFORM}. It runs under {@code sh -c}.
     */
    record Command(String command, String platform) implements EvidenceSource {
        @Override
        public Evidence obtain(byte[] reportData, byte[] nonce) {
            ProcessBuilder builder = new ProcessBuilder("sh", "-c", command);
            builder.environment().put("OPENCCM_REPORT_DATA", HexFormat.of().formatHex(reportData));
            builder.environment().put("OPENCCM_NONCE", Base64.getEncoder().encodeToString(nonce));
            builder.environment().put("OPENCCM_PLATFORM", platform);
            try {
                Process process = builder.start();
                process.getOutputStream().close();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                Thread drain = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
                byte[] out = process.getInputStream().readAllBytes();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the evidence command did not finish within 2 minutes");
                }
                drain.join();
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("the evidence command exited with " + process.exitValue() + ": " + err.toString().strip());
                }
                if (out.length == 0) {
                    throw new IllegalStateException("the evidence command printed nothing");
                }
                return new Evidence(out, null);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run the evidence command: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        private static void copy(InputStream in, ByteArrayOutputStream out) {
            try {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the process is gone; what it wrote so far is kept
            }
        }
    }
}
