// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.conversion.eif;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The PCRs an enclave booted from an EIF will report (aws-nitro-enclaves-image-format "EIF Measurements"): each is
 * SHA-384(48 zero bytes || SHA-384(content)), a TPM extend of a zero register.
 * <ul>
 *   <li>PCR0: kernel, cmdline and every ramdisk, in file order;
 *   <li>PCR1: kernel, cmdline and the first (bootstrap) ramdisk;
 *   <li>PCR2: the other (customer) ramdisks;
 *   <li>PCR8: the DER of the signing certificate, for a signed EIF.
 * </ul>
 * Metadata and signature sections are never measured.
 */
public final class EifMeasurements {
    private EifMeasurements() {}

    /** PCR0, PCR1, PCR2 (and PCR8 when {@code signingCertificateDer} is given), lower-case hex. */
    public static SortedMap<Integer, String> of(List<EifSection> sections, byte[] signingCertificateDer) {
        try {
            return ofParts(sections.stream().map(s -> new EifBuilder.Part(s.type(), Content.of(s.data()))).toList(), signingCertificateDer);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The same of sections about to be written, read from where they lie (the customer ramdisk is a file). */
    public static SortedMap<Integer, String> ofParts(List<EifBuilder.Part> sections, byte[] signingCertificateDer) throws java.io.IOException {
        MessageDigest pcr0 = sha384();
        MessageDigest pcr1 = sha384();
        MessageDigest pcr2 = sha384();
        int ramdisk = 0;
        for (EifBuilder.Part s : sections) {
            switch (s.type()) {
                case KERNEL, CMDLINE -> s.content().writeTo(into(pcr0, pcr1));
                case RAMDISK -> s.content().writeTo(into(pcr0, ramdisk++ == 0 ? pcr1 : pcr2));
                case METADATA, SIGNATURE -> {}
            }
        }
        SortedMap<Integer, String> pcrs = new TreeMap<>();
        pcrs.put(0, extend(pcr0.digest()));
        pcrs.put(1, extend(pcr1.digest()));
        pcrs.put(2, extend(pcr2.digest()));
        if (signingCertificateDer != null) {
            pcrs.put(8, extend(sha384().digest(signingCertificateDer)));
        }
        return pcrs;
    }

    private static java.io.OutputStream into(MessageDigest a, MessageDigest b) {
        return new java.io.OutputStream() {
            @Override
            public void write(int x) {
                a.update((byte) x);
                b.update((byte) x);
            }

            @Override
            public void write(byte[] bytes, int off, int len) {
                a.update(bytes, off, len);
                b.update(bytes, off, len);
            }
        };
    }

    private static String extend(byte[] digest) {
        MessageDigest register = sha384();
        register.update(new byte[48]);
        register.update(digest);
        return HexFormat.of().formatHex(register.digest());
    }

    private static MessageDigest sha384() {
        try {
            return MessageDigest.getInstance("SHA-384");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
