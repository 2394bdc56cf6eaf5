// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.nitro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.TestVectors;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.x509.CertificateChains;

/** The real Nitro documents of testdata/nitro, each at the clock SOURCES.md records for it. */
class NitroVerifierTest {
    private static final NitroVerifier VERIFIER = NitroVerifier.withAwsRoot();
    private static final VerificationContext OCT_13_2022 = VerificationContext.at(Instant.parse("2022-10-13T10:00:00Z"));

    @Test
    void theShippedRootIsAwsNitroEnclavesRootG1() throws Exception {
        byte[] der = NitroVerifier.awsRoot().getEncoded();

        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)))
                .isEqualTo("641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b");
    }

    @Test
    void verifiesTheNonDebugEvervaultDocument() throws EvidenceRejected {
        NitroAttestation a = VERIFIER.verify(TestVectors.bytes("nitro/evervault-2022-10-13-nondebug.cbor"), OCT_13_2022);

        assertThat(a.moduleId()).isEqualTo("i-020b6af9246d90e92-enc0183d09086c24190");
        assertThat(a.timestamp()).isEqualTo(Instant.parse("2022-10-13T08:58:02.136Z"));
        assertThat(a.debug()).isFalse();
        assertThat(a.pcr(0)).isEqualTo("f4d48b81a460c9916d1e685119074bf24660afd3e34fae9fca0a0d28d9d5599936332687e6f66fc890ac8cf150142d8b");
        assertThat(a.pcr(1)).isEqualTo("bcdf05fefccaa8e55bf2c8d6dee9e79bbff31e34bf28a99aa19e6b29c37ee80b214a414b7607236edf26fcb78654e63f");
        assertThat(a.pcr(2)).isEqualTo("d8f114da658de5481f8d9ec73907feb553560787522f705c92d7d96beed8e15e2aa611984e098c576832c292e8dc469a");
        assertThat(a.pcr(8)).isEqualTo("8790eb3cce6c83d07e84b126dc61ca923333d6f66615c4a79157de48c5ab2418bdc60746ea7b7afbff03a1c6210201cb");
        assertThat(a.pcrs()).hasSize(16);
        assertThat(a.nonce()).hasSize(256);
        assertThat(HexFormat.of().formatHex(a.nonce())).startsWith("cb3dc2eb76c0c134");
        assertThat(a.userData()).isNull();
        assertThat(a.publicKey()).isNull();
    }

    @Test
    void verifiesTheNonDebugDocumentWhoseUserDataIsATlsKey() throws Exception {
        NitroAttestation a = VERIFIER.verify(
                TestVectors.bytes("nitro/evervault-2023-01-18-nondebug-from-san.cbor"),
                VerificationContext.at(Instant.parse("2023-01-18T14:00:00Z")));

        assertThat(a.pcr(0)).startsWith("d265a83faa7b4fa0");
        assertThat(a.pcr(2)).startsWith("e4f634d24ad83b7f");
        assertThat(a.pcr(8)).startsWith("97c5395a83c0d6a0");
        assertThat(a.userData()).hasSize(120);
    }

    @Test
    void verifiesTheDebugDocumentsWhenDebugIsAllowedAndFlagsThem() throws EvidenceRejected {
        NitroAttestation helloWorld = VERIFIER.verify(
                TestVectors.bytes("nitro/evervault-2022-10-12-debug-userdata.cbor"),
                VerificationContext.at(Instant.parse("2022-10-12T15:00:00Z")).allowingDebug());
        NitroAttestation bound = VERIFIER.verify(
                TestVectors.bytes("nitro/evervault-2023-09-18-debug.cbor"),
                VerificationContext.at(Instant.parse("2023-09-18T16:00:00Z")).allowingDebug());
        NitroAttestation fortanix = VERIFIER.verify(
                TestVectors.bytes("nitro/fortanix-2021-09-09-debug.cbor"),
                VerificationContext.at(Instant.parse("2021-09-09T11:00:00Z")).allowingDebug());

        assertThat(helloWorld.debug()).isTrue();
        assertThat(new String(helloWorld.userData())).isEqualTo("hello, world!");
        assertThat(new String(helloWorld.publicKey())).isEqualTo("my super secret key");
        assertThat(bound.debug()).isTrue();
        assertThat(bound.userData()).isEqualTo(CertificateChains.parse(
                        "cert", TestVectors.bytes("nitro/evervault-2023-09-18-bound-tls-cert.der"))
                .getPublicKey()
                .getEncoded());
        assertThat(fortanix.moduleId()).isEqualTo("i-02e3a660059b27d87-enc017bca11991e5083");
        assertThat(HexFormat.of().formatHex(fortanix.nonce())).isEqualTo("8013cf2d252821a740e526102b9cd3d0");
        // SOURCES.md says 40 bytes; the document holds 64: a SHA-256 followed by 32 zero bytes.
        assertThat(HexFormat.of().formatHex(fortanix.userData()))
                .isEqualTo("9e2fa4bf23f2379c237925b152e4ba592b45f95a2d913d8a8b889bd9ac81bd3a" + "0".repeat(64));
    }

    @Test
    void refusesDebugModeByDefault() {
        assertRejected(
                "nitro/evervault-2022-10-12-debug-userdata.cbor",
                VerificationContext.at(Instant.parse("2022-10-12T15:00:00Z")),
                Reason.DEBUG,
                "pcrs");
    }

    @Test
    void refusesTheTamperedSignatureDocument() {
        assertRejected(
                "nitro/negative/fortanix-tampered-signature.cbor",
                VerificationContext.at(Instant.parse("2021-09-09T11:00:00Z")).allowingDebug(),
                Reason.SIGNATURE,
                "signature");
    }

    @Test
    void refusesTheTamperedCertificateDocument() {
        assertRejected(
                "nitro/negative/fortanix-tampered-certificate.cbor",
                VerificationContext.at(Instant.parse("2021-09-09T11:00:00Z")).allowingDebug(),
                Reason.CHAIN,
                "certificate");
    }

    @Test
    void refusesAFlippedByteInASignedPcr() throws Exception {
        byte[] doc = TestVectors.bytes("nitro/evervault-2022-10-13-nondebug.cbor");
        int at = indexOf(doc, HexFormat.of().parseHex("f4d48b81a460c9916d1e6851"));
        doc[at + 5] ^= 0x01;

        assertThatThrownBy(() -> VERIFIER.verify(doc, OCT_13_2022))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.SIGNATURE);
                    assertThat(e.getMessage()).contains("does not verify");
                });
    }

    @Test
    void refusesAClockPastTheLeafsNotAfter() {
        assertRejected(
                "nitro/evervault-2022-10-13-nondebug.cbor",
                VerificationContext.at(Instant.parse("2022-10-13T12:00:00Z")),
                Reason.EXPIRED,
                "certificate");
    }

    @Test
    void refusesAChainThatEndsInAnotherRoot() throws Exception {
        var otherRoot = CertificateChains.parseAll("root", TestVectors.bytes("sev-snp/amd-milan-ask-ark.pem")).get(1);
        NitroVerifier trustingAmd = new NitroVerifier(List.of(otherRoot));

        assertThatThrownBy(() -> trustingAmd.verify(TestVectors.bytes("nitro/evervault-2022-10-13-nondebug.cbor"), OCT_13_2022))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.WRONG_ROOT);
                    assertThat(e.field()).isEqualTo("cabundle[0]");
                });
    }

    @Test
    void refusesBytesThatAreNotCose() {
        assertThatThrownBy(() -> VERIFIER.verify(new byte[] {(byte) 0x84, 1}, OCT_13_2022))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }

    private static void assertRejected(String vector, VerificationContext context, Reason reason, String field) {
        assertThatThrownBy(() -> VERIFIER.verify(TestVectors.bytes(vector), context))
                .isInstanceOfSatisfying(EvidenceRejected.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
                    assertThat(e.field()).isEqualTo(field);
                });
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("needle not found");
    }
}
