// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli.simulation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.openccm.cli.EvidenceSource;

/**
 * A simulated AMD Secure Processor of a Milan chip: SEV-SNP reports (version 3, ECDSA P-384 by the chip's VCEK) with
 * the given launch measurement, VMPL and HOST_DATA, the VCEK issued by the simulation's ASK with AMD's extensions
 * (productName, hwID = CHIP_ID, the SPLs of REPORTED_TCB). It answers configfs-tsm entries the way the kernel does:
 * a written {@code inblob} gets an {@code outblob} (the report) and an {@code auxblob} (the GHCB certificate table).
 */
public final class SimulatedPsp {
    private static final String OID = "1.3.6.1.4.1.3704.1.";
    // Milan: BOOT_LOADER, TEE, SNP, MICROCODE in bytes 0, 1, 6, 7 of TCB_VERSION.
    private static final int BOOT_LOADER = 3;
    private static final int TEE = 0;
    private static final int SNP = 8;
    private static final int MICROCODE = 115;
    private static final long TCB = BOOT_LOADER | ((long) TEE << 8) | ((long) SNP << 48) | ((long) MICROCODE << 56);

    private final byte[] measurement;
    private final byte[] hostData;
    private final int vmpl;
    private final byte[] chipId = new byte[64];
    private final KeyPair vcekKey = SimulationAuthority.ecKey();
    private final X509Certificate vcek;
    private final SecureRandom random = new SecureRandom();

    /** @param measurement 48 bytes, hex; @param hostData 32 bytes, hex, or null for zeros */
    public SimulatedPsp(SimulationAuthority authority, String measurement, String hostData, int vmpl) {
        this.measurement = hex("measurement", measurement, 48);
        this.hostData = hostData == null ? new byte[32] : hex("host data", hostData, 32);
        if (vmpl < 0 || vmpl > 3) {
            throw new IllegalArgumentException("VMPL must be 0 to 3");
        }
        this.vmpl = vmpl;
        random.nextBytes(chipId);
        this.vcek = SimulationAuthority.certificate("CN=SEV-VCEK," + SimulationAuthority.ORGANIZATION, vcekKey.getPublic(),
                SimulationAuthority.ASK, authority.askKey(), false, Instant.now(), Duration.ofDays(365),
                new SimulationAuthority.Extra(OID + "2", new DERIA5String("Milan-B0")),
                new SimulationAuthority.Extra(OID + "4", new DEROctetString(chipId)),
                new SimulationAuthority.Extra(OID + "3.1", new ASN1Integer(BOOT_LOADER)),
                new SimulationAuthority.Extra(OID + "3.2", new ASN1Integer(TEE)),
                new SimulationAuthority.Extra(OID + "3.3", new ASN1Integer(SNP)),
                new SimulationAuthority.Extra(OID + "3.8", new ASN1Integer(MICROCODE)));
    }

    public X509Certificate vcek() {
        return vcek;
    }

    /** A signed 1184-byte report carrying these 64 bytes of REPORT_DATA. */
    public byte[] report(byte[] reportData) {
        if (reportData.length != 64) {
            throw new IllegalArgumentException("REPORT_DATA is 64 bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(0x4A0).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x000, 3);                // VERSION
        b.putInt(0x004, 1);                // GUEST_SVN
        b.putLong(0x008, 0x30000L);        // POLICY: SMT allowed, reserved bit 17; no debugging
        b.putInt(0x030, vmpl);
        b.putInt(0x034, 1);                // SIGNATURE_ALGO: ECDSA P-384 with SHA-384
        b.putLong(0x038, TCB);             // CURRENT_TCB
        b.put(0x050, reportData);
        b.put(0x090, measurement);
        b.put(0x0C0, hostData);
        byte[] reportId = new byte[32];
        random.nextBytes(reportId);
        b.put(0x140, reportId);
        b.putLong(0x180, TCB);             // REPORTED_TCB
        b.put(0x1A0, chipId);
        b.putLong(0x1E0, TCB);             // COMMITTED_TCB
        b.putLong(0x1F0, TCB);             // LAUNCH_TCB
        byte[] report = b.array();
        try {
            Signature ecdsa = Signature.getInstance("SHA384withECDSA");
            ecdsa.initSign(vcekKey.getPrivate());
            ecdsa.update(report, 0, 0x2A0);
            ASN1Sequence rs = ASN1Sequence.getInstance(ecdsa.sign());
            littleEndian(ASN1Integer.getInstance(rs.getObjectAt(0)).getPositiveValue().toByteArray(), report, 0x2A0);
            littleEndian(ASN1Integer.getInstance(rs.getObjectAt(1)).getPositiveValue().toByteArray(), report, 0x2E8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return report;
    }

    /** The GHCB certificate table the kernel puts in auxblob: the VCEK entry, then the all-zero terminator. */
    public byte[] certificateTable() {
        try {
            byte[] der = vcek.getEncoded();
            ByteBuffer table = ByteBuffer.allocate(48 + der.length).order(ByteOrder.LITTLE_ENDIAN);
            table.put(EvidenceSource.ConfigfsTsm.guidBytes(EvidenceSource.ConfigfsTsm.VCEK_GUID));
            table.putInt(48).putInt(der.length);
            table.position(48);
            table.put(der);
            return table.array();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Answers configfs-tsm report entries under {@code reportDir} while {@code running} holds: each entry with an
     * {@code inblob} and no {@code outblob} gets its report, certificate table and generation.
     */
    public void serve(Path reportDir, BooleanSupplier running) {
        while (running.getAsBoolean()) {
            try (var entries = Files.list(reportDir)) {
                for (Path entry : entries.filter(Files::isDirectory).toList()) {
                    Path in = entry.resolve("inblob");
                    if (Files.isRegularFile(in) && !Files.exists(entry.resolve("outblob")) && Files.size(in) == 64) {
                        write(entry.resolve("auxblob"), certificateTable());
                        write(entry.resolve("generation"), "1\n".getBytes(StandardCharsets.US_ASCII));
                        write(entry.resolve("outblob"), report(Files.readAllBytes(in)));
                    }
                }
                Thread.sleep(20);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void write(Path file, byte[] content) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(temp, content);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes an unsigned big-endian integer as 72 little-endian bytes (the report's R and S fields). */
    private static void littleEndian(byte[] bigEndian, byte[] out, int offset) {
        byte[] unsigned = bigEndian.length > 48 ? Arrays.copyOfRange(bigEndian, bigEndian.length - 48, bigEndian.length) : bigEndian;
        for (int i = 0; i < unsigned.length; i++) {
            out[offset + i] = unsigned[unsigned.length - 1 - i];
        }
    }

    private static byte[] hex(String what, String value, int bytes) {
        if (value == null || !value.matches("[0-9a-fA-F]{" + (2 * bytes) + "}")) {
            throw new IllegalArgumentException("the " + what + " must be " + (2 * bytes) + " hex digits");
        }
        return HexFormat.of().parseHex(value.toLowerCase(java.util.Locale.ROOT));
    }
}
