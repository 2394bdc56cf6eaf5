// SPDX-License-Identifier: Apache-2.0
package org.openccm.attestation.snp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceVerifier;
import org.openccm.attestation.Platform;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.Hex;
import org.openccm.attestation.Measurement;
import org.openccm.attestation.VerifiedEvidence;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.attestation.x509.Ecdsa;
import org.openccm.attestation.x509.Crls;
import org.openccm.attestation.x509.Der;

/**
 * Verifies an SEV-SNP attestation report with the VCEK or VLEK that signed it. Steps, in order:
 * <ol>
 *   <li>parse the report ({@link SnpReportParser});
 *   <li>find the product (Milan, Genoa, Turin) from the signing certificate's productName extension;
 *   <li>check VCEK &larr; ASK &larr; ARK (or VLEK &larr; ASVK &larr; ARK), RSASSA-PSS, against that product's pinned AMD
 *       certificates, all valid at the context's instant;
 *   <li>check AMD's CRL for the product (from the context's collateral source): signed by the ARK, current at the
 *       instant (or within the grace, said in the warnings), and not listing the ASK/ASVK (the ARK's CRL can list only
 *       what the ARK issued; VCEKs and VLEKs are not revoked one by one). A CRL
 *       that cannot be had refuses the report when the verifier is fail-closed, else is reported in the warnings;
 *   <li>bind the certificate to the report: hwID equals CHIP_ID (VCEK only), and each SPL extension equals the
 *       component of REPORTED_TCB;
 *   <li>verify the ECDSA P-384/SHA-384 signature over bytes 0x000-0x29F;
 *   <li>refuse a guest policy that allows debugging, unless the context allows it.
 * </ol>
 * The VCEK comes with the evidence or from the context's {@link org.openccm.attestation.CollateralSource}; nothing here uses the network.
 */
public final class SnpVerifier implements EvidenceVerifier {
    private static final String OID = "1.3.6.1.4.1.3704.1.";
    private final Map<AmdProduct, AmdCertificates> roots;
    // Further certificate sets an operator trusts besides AMD's (a simulation's), chosen by the VCEK's issuer.
    private final Map<AmdProduct, List<AmdCertificates>> additional;
    private final boolean revocationFailOpen;

    /** The AMD certificates of one product: ARK (root), ASK (signs VCEKs), ASVK (signs VLEKs). */
    public record AmdCertificates(X509Certificate ark, X509Certificate ask, X509Certificate asvk) {}

    /** A verifier that reports, rather than refuses, a report whose CRL cannot be had (see {@link #failClosed()}). */
    public SnpVerifier(Map<AmdProduct, AmdCertificates> roots) {
        this(roots, Map.of(), true);
    }

    private SnpVerifier(Map<AmdProduct, AmdCertificates> roots, Map<AmdProduct, List<AmdCertificates>> additional, boolean revocationFailOpen) {
        this.roots = Map.copyOf(roots);
        this.additional = Map.copyOf(additional);
        this.revocationFailOpen = revocationFailOpen;
    }

    /**
     * This verifier, refusing a report when AMD's CRL for its product cannot be obtained (the server's default; the
     * library's is to verify and say so in the warnings, as evidence of a past instant often has no CRL left).
     */
    public SnpVerifier failClosed() {
        return new SnpVerifier(roots, additional, false);
    }

    /** A verifier trusting the AMD certificates of Milan, Genoa and Turin shipped with OpenCCM. */
    public static SnpVerifier withAmdRoots() {
        Map<AmdProduct, AmdCertificates> roots = new EnumMap<>(AmdProduct.class);
        for (AmdProduct p : AmdProduct.values()) {
            String file = "amd-" + p.kdsName().toLowerCase(java.util.Locale.ROOT) + "-ask-ark-asvk.pem";
            try (InputStream in = SnpVerifier.class.getResourceAsStream(file)) {
                roots.put(p, certificates(p, CertificateChains.parseAll(file, in.readAllBytes())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (EvidenceRejected e) {
                throw new IllegalStateException("the shipped AMD certificates do not parse", e);
            }
        }
        return new SnpVerifier(roots);
    }

    /**
     * This verifier, also trusting a product's certificate set that is not AMD's (OpenCCM's simulation mode): a VCEK
     * or VLEK whose issuer is that set's ASK or ASVK is checked against it; every other one against AMD's.
     */
    public SnpVerifier alsoTrusting(AmdProduct product, AmdCertificates extra) {
        Map<AmdProduct, List<AmdCertificates>> more = new EnumMap<>(AmdProduct.class);
        more.putAll(additional);
        more.merge(product, List.of(extra), (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
        return new SnpVerifier(roots, more, revocationFailOpen);
    }

    /** Sorts a product's PEM bundle by subject: ARK-<P>, SEV-<P> (ASK), SEV-VLEK-<P> (ASVK). */
    public static AmdCertificates certificates(AmdProduct p, List<X509Certificate> bundle) {
        X509Certificate ark = null;
        X509Certificate ask = null;
        X509Certificate asvk = null;
        for (X509Certificate c : bundle) {
            String subject = c.getSubjectX500Principal().getName();
            if (subject.contains("CN=ARK-" + p.kdsName())) {
                ark = c;
            } else if (subject.contains("CN=SEV-VLEK-" + p.kdsName())) {
                asvk = c;
            } else if (subject.contains("CN=SEV-" + p.kdsName())) {
                ask = c;
            }
        }
        if (ark == null || ask == null) {
            throw new IllegalArgumentException("the bundle lacks ARK-" + p.kdsName() + " or SEV-" + p.kdsName());
        }
        return new AmdCertificates(ark, ask, asvk);
    }

    @Override
    public Platform platform() {
        return Platform.SEV_SNP;
    }

    /**
     * The VCEK comes with the evidence or, when it does not, from the context's collateral source; a VCEK that
     * verified the report is offered to the source for the chip's next report.
     */
    @Override
    public VerifiedEvidence verify(Evidence evidence, VerificationContext context) throws EvidenceRejected {
        byte[] certificate = evidence.signingCertificate();
        SnpReport parsed = SnpReportParser.parse(evidence.document());
        boolean brought = certificate != null;
        if (!brought) {
            certificate = context.collateral().amdVcek(parsed, context.now()).orElseThrow(
                    () -> new EvidenceRejected(Reason.CHAIN, "vcek", "required: the VCEK (or VLEK) that signed the report"));
        }
        SnpAttestation a = verify(evidence.document(), certificate, context);
        if (!a.vlek()) {
            context.collateral().verifiedVcek(parsed.chipId(), parsed.reportedTcb(), a.signingCertificate());
        }
        boolean bound = context.checkBinding(a.report().reportData(), "REPORT_DATA");
        return new VerifiedEvidence(measurement(a), bound, a.collateralWarnings());
    }

    /** What a verified report measured, in the image API's terms. */
    public static Measurement.SevSnp measurement(SnpAttestation a) {
        SnpReport r = a.report();
        return new Measurement.SevSnp(
                Hex.of(r.measurement()), r.vmpl(), Hex.of(r.hostData()), Hex.of(r.reportData()), a.product().kdsName(),
                a.vlek(), r.reportedTcb());
    }

    public SnpAttestation verify(byte[] reportBytes, byte[] signingCertificate, VerificationContext context)
            throws EvidenceRejected {
        SnpReport report = SnpReportParser.parse(reportBytes);
        boolean vlek = switch (report.signingKey()) {
            case SnpReport.SIGNING_KEY_VCEK -> false;
            case SnpReport.SIGNING_KEY_VLEK -> true;
            default -> throw new EvidenceRejected(
                    Reason.SIGNATURE, "SIGNER_INFO", "the report is not signed (SIGNING_KEY " + report.signingKey() + ")");
        };
        String keyName = vlek ? "VLEK" : "VCEK";
        List<X509Certificate> given = CertificateChains.parseAll(keyName, signingCertificate);
        if (given.isEmpty()) {
            throw new EvidenceRejected(Reason.CHAIN, keyName, "no certificate given");
        }
        X509Certificate cert = given.getFirst();
        AmdProduct product = product(cert, keyName);
        AmdCertificates simulated = additional.getOrDefault(product, List.of()).stream()
                .filter(set -> issuedBy(cert, vlek ? set.asvk() : set.ask()))
                .findFirst()
                .orElse(null);
        AmdCertificates amd = simulated != null ? simulated : roots.get(product);
        if (amd == null) {
            throw new EvidenceRejected(Reason.WRONG_ROOT, keyName, "no AMD root is configured for " + product.kdsName());
        }
        X509Certificate intermediate = vlek ? amd.asvk() : amd.ask();
        if (intermediate == null) {
            throw new EvidenceRejected(Reason.WRONG_ROOT, keyName, "no ASVK is configured for " + product.kdsName());
        }
        CertificateChains.verify(
                List.of(cert, intermediate, amd.ark()),
                List.of(keyName, vlek ? "ASVK" : "ASK", "ARK"),
                List.of(amd.ark()),
                context.now());
        // A simulation's ARK publishes no CRL: only AMD's chains are checked for revocation.
        List<String> warnings = simulated != null ? List.of() : revocation(product, amd, intermediate, keyName, context);

        TcbVersion reported = TcbVersion.decode(report.reportedTcb(), product);
        if (!vlek) {
            bindChip(cert, report, product);
        }
        bindTcb(cert, reported, product, keyName);
        verifySignature(cert, report, keyName);
        if (report.debugAllowed() && !context.allowDebug()) {
            throw new EvidenceRejected(
                    Reason.DEBUG, "POLICY", "the guest policy allows debugging (bit 19): its memory is not protected");
        }
        return new SnpAttestation(report, product, vlek, reported, cert, warnings);
    }

    private List<String> revocation(AmdProduct product, AmdCertificates amd, X509Certificate intermediate, String keyName,
            VerificationContext context) throws EvidenceRejected {
        String field = "collateral.amd_crl";
        Optional<byte[]> der = context.collateral().amdCrl(product, context.now());
        if (der.isEmpty()) {
            if (!revocationFailOpen) {
                throw new EvidenceRejected(Reason.CHAIN, field, "AMD's CRL for " + product.kdsName()
                        + " could not be obtained, so revocation cannot be checked (revocation policy: fail-closed)");
            }
            return List.of("revocation not checked: " + field + " for " + product.kdsName() + " could not be obtained (revocation policy: fail-open)");
        }
        X509CRL crl = Crls.parse(der.get(), field);
        List<String> warnings = new ArrayList<>();
        checkCrl(crl, amd.ark(), field, context.now(), context.collateralGrace(), warnings);
        if (crl.isRevoked(intermediate)) {
            throw new EvidenceRejected(Reason.CHAIN, keyName.equals("VLEK") ? "ASVK" : "ASK",
                    "is revoked by AMD (serial " + intermediate.getSerialNumber().toString(16) + ")");
        }
        return warnings;
    }

    /**
     * Checks one of AMD's CRLs: issued and signed (RSASSA-PSS) by this ARK, current at {@code now} or, within
     * {@code grace} past its nextUpdate, reported in {@code warnings}.
     */
    public static void checkCrl(X509CRL crl, X509Certificate ark, String field, Instant now, Duration grace, List<String> warnings)
            throws EvidenceRejected {
        if (!crl.getIssuerX500Principal().equals(ark.getSubjectX500Principal())) {
            throw new EvidenceRejected(Reason.CHAIN, field, "is issued by " + crl.getIssuerX500Principal().getName() + ", not by "
                    + ark.getSubjectX500Principal().getName());
        }
        Crls.verify(crl, ark, field, now, grace, warnings);
    }

    /** The AMD certificates pinned for this product (the ARK signs its CRL). */
    public Optional<AmdCertificates> pinned(AmdProduct product) {
        return Optional.ofNullable(roots.get(product));
    }

    /**
     * Checks a VCEK on its own (an offline collateral bundle's): its product, and its chain to that product's ASK and
     * pinned ARK at {@code at}.
     */
    public void verifyVcek(X509Certificate vcek, java.time.Instant at) throws EvidenceRejected {
        AmdProduct product = product(vcek, "VCEK");
        AmdCertificates amd = roots.get(product);
        if (amd == null) {
            throw new EvidenceRejected(Reason.WRONG_ROOT, "VCEK", "no AMD root is configured for " + product.kdsName());
        }
        CertificateChains.verify(List.of(vcek, amd.ask(), amd.ark()), List.of("VCEK", "ASK", "ARK"), List.of(amd.ark()), at);
    }

    private static boolean issuedBy(X509Certificate cert, X509Certificate intermediate) {
        return intermediate != null && cert.getIssuerX500Principal().equals(intermediate.getSubjectX500Principal());
    }

    private static AmdProduct product(X509Certificate cert, String keyName) throws EvidenceRejected {
        byte[] name = Der.extension(cert, OID + "2");
        if (name == null) {
            throw new EvidenceRejected(Reason.CHAIN, keyName, "has no productName extension (" + OID + "2)");
        }
        try {
            return AmdProduct.fromProductName(Der.ia5(name));
        } catch (IllegalArgumentException e) {
            // an unknown product, or a productName that is not an IA5String
            throw new EvidenceRejected(Reason.WRONG_ROOT, keyName, e.getMessage());
        }
    }

    // The VCEK is derived from the chip's unique secret: its hwID must be this report's CHIP_ID.
    private static void bindChip(X509Certificate cert, SnpReport report, AmdProduct product) throws EvidenceRejected {
        byte[] hwId = Der.extension(cert, OID + "4");
        if (hwId == null) {
            throw new EvidenceRejected(Reason.BINDING, "VCEK", "has no hwID extension (" + OID + "4)");
        }
        byte[] id = hwId(hwId);
        // Turin VCEKs carry an 8-byte hwID; the report's CHIP_ID holds it in its first 8 bytes.
        byte[] chip = product == AmdProduct.TURIN ? Arrays.copyOf(report.chipId(), 8) : report.chipId();
        if (!MessageDigest.isEqual(id, chip)) {
            throw new EvidenceRejected(
                    Reason.BINDING,
                    "CHIP_ID",
                    "the VCEK was issued for chip " + Hex.of(id).substring(0, 16) + "..., the report comes from "
                            + Hex.of(chip).substring(0, 16) + "...");
        }
    }

    // AMD stores the hwID as the raw bytes of the extension value; accept a DER OCTET STRING around it as well.
    private static byte[] hwId(byte[] value) {
        if (value.length == 0 || value[0] != 0x04) {
            return value; // AMD's own form; spares an exception per verification
        }
        try {
            return Der.octets(value);
        } catch (IllegalArgumentException raw) {
            return value;
        }
    }

    // AMD issues one VCEK per TCB: the certificate's SPLs must be the TCB the report says it was signed under.
    private static void bindTcb(X509Certificate cert, TcbVersion tcb, AmdProduct product, String keyName)
            throws EvidenceRejected {
        spl(cert, "3.1", "blSPL", tcb.bootLoader(), keyName);
        spl(cert, "3.2", "teeSPL", tcb.tee(), keyName);
        spl(cert, "3.3", "snpSPL", tcb.snp(), keyName);
        spl(cert, "3.8", "ucodeSPL", tcb.microcode(), keyName);
        if (product == AmdProduct.TURIN) {
            spl(cert, "3.9", "fmcSPL", tcb.fmc(), keyName);
        }
    }

    private static void spl(X509Certificate cert, String arc, String name, int reported, String keyName)
            throws EvidenceRejected {
        byte[] value = Der.extension(cert, OID + arc);
        if (value == null) {
            throw new EvidenceRejected(Reason.TCB, keyName, "has no " + name + " extension");
        }
        BigInteger certified;
        try {
            certified = Der.integer(value);
        } catch (IllegalArgumentException e) {
            throw new EvidenceRejected(Reason.TCB, keyName, name + " extension is not a DER INTEGER");
        }
        if (certified.intValue() != reported) {
            throw new EvidenceRejected(
                    Reason.TCB,
                    "REPORTED_TCB",
                    name + " is " + reported + " in the report but " + certified + " in the " + keyName);
        }
    }

    private static void verifySignature(X509Certificate cert, SnpReport report, String keyName) throws EvidenceRejected {
        // R and S are 72-byte little-endian fields of which 48 bytes are used.
        byte[] p1363 = new byte[96];
        for (int i = 0; i < 48; i++) {
            p1363[47 - i] = report.signatureR()[i];
            p1363[95 - i] = report.signatureS()[i];
        }
        try {
            if (!Ecdsa.verifyP1363(cert.getPublicKey(), Ecdsa.Hash.SHA384, report.signedBytes(), p1363)) {
                throw new EvidenceRejected(
                        Reason.SIGNATURE, "SIGNATURE", "the report's ECDSA P-384 signature does not verify with the " + keyName);
            }
        } catch (GeneralSecurityException e) {
            throw new EvidenceRejected(Reason.SIGNATURE, "SIGNATURE", "cannot be verified: " + e.getMessage());
        }
    }
}
