// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Seeds Jazzer's corpus of each fuzz target with real vectors, when fuzzing (JAZZER_FUZZ set); else does nothing. */
public final class FuzzCorpus {
    private FuzzCorpus() {}

    /** Writes each target's vectors (read by {@code read}) where Jazzer starts from: .cifuzz-corpus/CLASS/TARGET/. */
    public static void seed(Class<?> fuzzClass, Map<String, List<String>> seeds, Function<String, byte[]> read) {
        String fuzzing = System.getenv("JAZZER_FUZZ");
        if (fuzzing == null || fuzzing.isEmpty()) {
            return;
        }
        seeds.forEach((target, vectors) -> {
            Path corpus = Path.of(".cifuzz-corpus", fuzzClass.getName(), target);
            try {
                Files.createDirectories(corpus);
                for (String v : vectors) {
                    Files.write(corpus.resolve("seed-" + v.replace('/', '_')), read.apply(v));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
