// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openccm.attestation.cbor.CborException;
import org.openccm.server.TestFiles;
import org.openccm.server.conversion.aci.Tar2Ext4;
import org.openccm.server.conversion.eif.DockerExport;
import org.openccm.server.conversion.eif.EifReader;
import org.openccm.server.conversion.eif.EifSigner;
import org.openccm.server.conversion.eif.TarReader;
import org.openccm.server.registry.OciManifests;

/**
 * Jazzer targets for what the conversions read from registries and users: EIF files, image layer tars (the EIF
 * builder's reader and the ACI layer reader behind tar2ext4), a Docker export of several layers, an EIF's signature
 * section, and the manifests registries serve. Their typed rejections are {@link IllegalArgumentException} (and {@link IOException} for a
 * stream, {@link CborException} for COSE); anything else is a finding. Run as {@code ParserFuzzTest} is
 * (README, Security): {@code .ci/fuzz} covers both classes.
 */
class ConversionParserFuzzTest {
    interface Target {
        void run(byte[] input) throws IOException, CborException;
    }

    static final Map<String, Target> TARGETS = Map.of(
            "eif", EifReader::read,
            "tar", TarReader::read,
            "layerTar", in -> Tar2Ext4.rootHash(new ByteArrayInputStream(in)),
            "dockerExport", in -> DockerExport.export(List.of(in, in), 0),
            "eifSignature", EifSigner::signingCertificatePem,
            "ociManifest", OciManifests::parse);

    static final Map<String, List<String>> SEEDS = Map.of(
            "eif", List.of("eif/synthetic-signed.eif", "eif/synthetic-unsigned.eif"),
            "tar", List.of("eif/docker-export.tar", "aci/tar2ext4/05-xattrs-pax.tar"),
            "layerTar", List.of("aci/tar2ext4/02-basic.tar", "aci/tar2ext4/09-gnu-longnames.tar", "aci/tar2ext4/00-docker-empty-layer.tar.gz"),
            "dockerExport", List.of("aci/tar2ext4/04-whiteouts.tar", "aci/tar2ext4/03-links.tar"),
            "eifSignature", List.of("eif/synthetic-signed.eif"),
            // no manifest is among the real vectors: its seeds are the two in the target's inputs directory
            "ociManifest", List.of());

    static {
        org.openccm.attestation.fuzz.FuzzCorpus.seed(ConversionParserFuzzTest.class, SEEDS, v -> {
            try {
                return Files.readAllBytes(TestFiles.vector(v));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static void fuzz(String target, byte[] input) {
        try {
            TARGETS.get(target).run(input);
        } catch (IllegalArgumentException | IOException | CborException expected) {
            // the reader's own answer to bad input
        }
    }

    static Stream<Arguments> realSamples() {
        return SEEDS.entrySet().stream().flatMap(e -> e.getValue().stream().map(v -> Arguments.of(e.getKey(), v)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("realSamples")
    void realSamplesMeetTheRule(String target, String vector) throws IOException {
        byte[] sample = Files.readAllBytes(TestFiles.vector(vector));
        fuzz(target, sample);
        for (int cut : new int[] {0, 1, sample.length / 2, Math.max(0, sample.length - 1)}) {
            fuzz(target, java.util.Arrays.copyOf(sample, cut));
        }
        for (int i = 0; i < Math.min(600, sample.length); i += 7) {
            byte[] flipped = sample.clone();
            flipped[i] ^= (byte) 0xff;
            fuzz(target, flipped);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void eif(byte[] input) {
        fuzz("eif", input);
    }

    @FuzzTest(maxDuration = "10s")
    void tar(byte[] input) {
        fuzz("tar", input);
    }

    @FuzzTest(maxDuration = "10s")
    void layerTar(byte[] input) {
        fuzz("layerTar", input);
    }

    @FuzzTest(maxDuration = "10s")
    void dockerExport(byte[] input) {
        fuzz("dockerExport", input);
    }

    @FuzzTest(maxDuration = "10s")
    void eifSignature(byte[] input) {
        fuzz("eifSignature", input);
    }

    @FuzzTest(maxDuration = "10s")
    void ociManifest(byte[] input) {
        fuzz("ociManifest", input);
    }
}
