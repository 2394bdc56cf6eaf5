// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openccm.server.TestFiles;

/** The synthetic EIF vectors of testdata/eif, reproduced byte for byte and measured as nitro-cli does. */
class EifBuilderTest {
    private static final Map<Integer, String> EXPECTED = Map.of(
            0, "7bc37c0a26a00b59d13d037dd3d68369fb0d35edc46027e3ca232c2e795aec3d686b138fa7df411a686573642dace80d",
            1, "404d07c81f3b4cdc4b06fab17466f660093c08c33f7bb51ee6dd4bc147e31ce2792a6203012de7c7305edfcbea711358",
            2, "9b0c09ed3e346f5fc2bbb07ac6eea2f97539afd19b28fb0f45b419fc926b1e1a482b45598f1b3bb92e9aad6e68d680d3");

    @Test
    void reproducesTheUnsignedSyntheticEifByteForByte() throws Exception {
        byte[] vector = read("eif/synthetic-unsigned.eif");
        byte[] metadata = EifReader.read(vector).stream()
                .filter(s -> s.type() == EifSection.Type.METADATA)
                .findFirst()
                .orElseThrow()
                .data();

        byte[] built = EifBuilder.build(
                EifBuilder.Arch.X86_64,
                read("eif/fake-kernel.bin"),
                new String(read("eif/nitro-cli-blobs-x86_64-cmdline"), StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII),
                metadata,
                List.of(read("eif/bootstrap-fake.cpio"), read("eif/customer.cpio")),
                null);

        assertThat(built).isEqualTo(vector);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(built)))
                .isEqualTo("b7309e358d52e68c95b071672e3fad61cca24bc06b2d5ea23f15d6fcb42b109c");
        assertThat(EifMeasurements.of(EifReader.read(built), null)).isEqualTo(EXPECTED);
    }

    @Test
    void streamsFileBackedSectionsIntoTheSameBytesAndMeasurements(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] vector = read("eif/synthetic-unsigned.eif");
        List<EifSection> sections = EifReader.read(vector);
        // Every section is put on disk and handed over as a slice of a larger file, as conversion does with layers.
        java.nio.file.Path file = dir.resolve("sections.bin");
        List<EifBuilder.Part> parts = new java.util.ArrayList<>();
        try (var out = Files.newOutputStream(file)) {
            long at = 7;
            out.write(new byte[7]);
            for (EifSection s : sections) {
                out.write(s.data());
                parts.add(new EifBuilder.Part(s.type(), new Content.FileSlice(file, at, s.data().length)));
                at += s.data().length;
            }
        }
        var streamed = new java.io.ByteArrayOutputStream();

        EifBuilder.write(EifBuilder.Arch.X86_64, parts, streamed);

        assertThat(streamed.toByteArray()).isEqualTo(vector);
        assertThat(EifMeasurements.ofParts(parts, null)).isEqualTo(EXPECTED);
    }

    @Test
    void aTarReadFromDiskHandsOutSlicesOfTheFileWithTheSameBytes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] tar = DockerExportTest.tar(List.of(
                new TarEntry("etc/hello", '0', 0644, 0, 0, 1600000000L, "", 0, 0, "hello, world".getBytes())));
        java.nio.file.Path file = Files.write(dir.resolve("layer.tar"), tar);

        TarEntry entry = TarReader.read(file).getFirst();

        assertThat(entry.content()).isInstanceOf(Content.FileSlice.class);
        var bytes = new java.io.ByteArrayOutputStream();
        entry.content().writeTo(bytes);
        assertThat(bytes.toString()).isEqualTo("hello, world");
        assertThat(TarReader.read(tar).getFirst().data()).isEqualTo("hello, world".getBytes());
    }

    @Test
    void measuresTheSignedSyntheticEifWithItsSignerInPcr8() throws Exception {
        List<EifSection> sections = EifReader.read(read("eif/synthetic-signed.eif"));
        byte[] signerDer = java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(read("eif/signer-cert.pem")))
                .getEncoded();

        Map<Integer, String> pcrs = EifMeasurements.of(sections, signerDer);

        assertThat(pcrs).containsAllEntriesOf(EXPECTED);
        assertThat(pcrs.get(8))
                .isEqualTo("7a65231baeb37a90899f6ac230498662dffead170c92e2ee1af1e5b4540b93c15f12118667c4417cca2430a2677891dd");
        assertThat(sections.getLast().type()).isEqualTo(EifSection.Type.SIGNATURE);
    }

    @Test
    void theSignedVectorsSignatureVerifiesOverItsPcr0AndNotOverAnother() throws Exception {
        List<EifSection> sections = EifReader.read(read("eif/synthetic-signed.eif"));
        byte[] section = sections.getLast().data();
        var cert = certificate();

        assertThat(new String(EifSigner.signingCertificatePem(section))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(EifSigner.verify(section, EXPECTED.get(0), cert)).isTrue();
        assertThat(EifSigner.verify(section, EXPECTED.get(1), cert)).isFalse();
    }

    @Test
    void signsAnEifWhosePcr8IsItsSigner() throws Exception {
        var cert = certificate();
        java.security.PrivateKey key = privateKey();
        String pem = new String(read("eif/signer-cert.pem"), StandardCharsets.US_ASCII);
        byte[] signature = EifSigner.signatureSection(EXPECTED.get(0), pem, key, cert);

        byte[] eif = EifBuilder.build(
                EifBuilder.Arch.X86_64,
                read("eif/fake-kernel.bin"),
                new String(read("eif/nitro-cli-blobs-x86_64-cmdline"), StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII),
                "{}".getBytes(),
                List.of(read("eif/bootstrap-fake.cpio"), read("eif/customer.cpio")),
                signature);
        List<EifSection> sections = EifReader.read(eif);

        assertThat(EifSigner.verify(sections.getLast().data(), EXPECTED.get(0), cert)).isTrue();
        assertThat(EifMeasurements.of(sections, cert.getEncoded()).get(8))
                .isEqualTo("7a65231baeb37a90899f6ac230498662dffead170c92e2ee1af1e5b4540b93c15f12118667c4417cca2430a2677891dd");
        assertThat(EifMeasurements.of(sections, cert.getEncoded())).containsAllEntriesOf(EXPECTED);
    }

    private static java.security.cert.X509Certificate certificate() throws Exception {
        return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(read("eif/signer-cert.pem")));
    }

    private static java.security.PrivateKey privateKey() throws Exception {
        try (var parser = new org.bouncycastle.openssl.PEMParser(
                new java.io.StringReader(new String(read("eif/signer-key.pem"), StandardCharsets.US_ASCII)))) {
            Object o = parser.readObject();
            var converter = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
            return o instanceof org.bouncycastle.openssl.PEMKeyPair pair
                    ? converter.getKeyPair(pair).getPrivate()
                    : converter.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) o);
        }
    }

    @Test
    void refusesAnEifWhoseBytesChanged() {
        byte[] eif = read("eif/synthetic-unsigned.eif");
        eif[eif.length - 100] ^= 0x01;

        assertThatThrownBy(() -> EifReader.read(eif)).hasMessageContaining("CRC-32");
    }

    private static byte[] read(String vector) {
        try {
            return Files.readAllBytes(TestFiles.vector(vector));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
