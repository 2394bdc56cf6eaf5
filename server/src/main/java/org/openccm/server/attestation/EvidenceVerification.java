// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceRejected.Reason;
import org.openccm.attestation.Hex;
import org.openccm.attestation.Platform;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.aci.AciAttestation;
import org.openccm.attestation.aci.AciVerifier;
import org.openccm.attestation.aci.UvmEndorsementVerifier;
import org.openccm.attestation.azurecvm.AzureCvmAttestation;
import org.openccm.attestation.azurecvm.AzureCvmVerifier;
import org.openccm.attestation.dcap.DcapAttestation;
import org.openccm.attestation.dcap.DcapCollateral;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.nitro.NitroAttestation;
import org.openccm.attestation.nitro.NitroVerifier;
import org.openccm.attestation.snp.SnpAttestation;
import org.openccm.attestation.snp.SnpReport;
import org.openccm.attestation.snp.SnpReportParser;
import org.openccm.attestation.snp.SnpVerifier;
import org.openccm.attestation.x509.CertificateChains;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Dispatches evidence to its platform's verifier and turns the result into {@link VerifiedEvidence}. Vendor roots
 * are the ones shipped with OpenCCM, plus extra Nitro roots an operator configures (a private test CA, say). An
 * SEV-SNP report may come without its VCEK when one for the same chip and TCB verified before: VCEKs are kept in a
 * local cache, so nothing here calls AMD's KDS.
 */
@Service
public class EvidenceVerification {
    private final NitroVerifier nitro;
    private final SnpVerifier snp;
    private final AciVerifier aci;
    private final DcapVerifier dcap = DcapVerifier.withIntelRoot();
    private final AzureCvmVerifier azure;
    private final List<String> acceptedTcb;
    private final JdbcClient jdbc;

    EvidenceVerification(
            @Value("${openccm.attestation.nitro.extra-roots:}") String extraNitroRoots,
            @Value("${openccm.attestation.aci.uvm-issuers:}") String uvmIssuers,
            @Value("${openccm.attestation.dcap.accepted-tcb-statuses:UpToDate,SWHardeningNeeded}") String acceptedTcbStatuses,
            JdbcClient jdbc) {
        this.jdbc = jdbc;
        List<X509Certificate> nitroRoots = new ArrayList<>(List.of(NitroVerifier.awsRoot()));
        for (String file : commaSeparated(extraNitroRoots)) {
            Path pem = Path.of(file);
            try {
                nitroRoots.addAll(CertificateChains.parseAll(pem.toString(), Files.readAllBytes(pem)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the Nitro root " + pem, e);
            } catch (EvidenceRejected e) {
                throw new IllegalStateException("the Nitro root " + pem + " is not a certificate", e);
            }
        }
        this.nitro = new NitroVerifier(nitroRoots);
        this.snp = SnpVerifier.withAmdRoots();
        // Empty means Microsoft's issuer of the ACI UVM feed; an operator may name others (comma-separated did:x509).
        List<String> issuers = commaSeparated(uvmIssuers);
        if (issuers.isEmpty()) {
            issuers = List.of(UvmEndorsementVerifier.MICROSOFT_UVM_ISSUER);
        }
        this.aci = new AciVerifier(snp, new UvmEndorsementVerifier(issuers));
        this.azure = new AzureCvmVerifier(snp, dcap);
        this.acceptedTcb = commaSeparated(acceptedTcbStatuses);
    }

    /**
     * The entries of a comma-separated property, blanks dropped. List properties are taken as text because Spring
     * binds an empty property to a list holding one null, which is what the default configuration has.
     */
    static List<String> commaSeparated(String property) {
        return java.util.Arrays.stream(property.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    /** @param signingCertificate the VCEK or VLEK (DER or PEM) for SEV-SNP; unused for Nitro */
    public VerifiedEvidence verify(Platform platform, byte[] evidence, byte[] signingCertificate, byte[] collateral, Instant now)
            throws EvidenceRejected {
        VerificationContext context = VerificationContext.at(now);
        return switch (platform) {
            case NITRO -> nitro(nitro.verify(evidence, context));
            case SEV_SNP -> {
                byte[] vcek = signingCertificate != null ? signingCertificate : cachedVcek(evidence);
                SnpAttestation verified = snp.verify(new Evidence(evidence, vcek), context);
                if (signingCertificate != null && !verified.vlek()) {
                    remember(verified);
                }
                yield snp(verified);
            }
            case ACI -> aci(aci.verify(new Evidence(evidence, signingCertificate), context));
            case SGX, TDX -> dcap(platform, evidence, collateral, context);
            case AZURE_CVM -> azureCvm(evidence, signingCertificate, collateral, context);
        };
    }

    /** A VCEK that verified an earlier report of the same chip at the same TCB, or null. */
    private byte[] cachedVcek(byte[] report) throws EvidenceRejected {
        SnpReport parsed = SnpReportParser.parse(report);
        return jdbc.sql("SELECT certificate FROM snp_vcek_cache WHERE chip_id = ? AND reported_tcb = ?")
                .params(Hex.of(parsed.chipId()), parsed.reportedTcb())
                .query(byte[].class)
                .optional()
                .orElse(null);
    }

    private void remember(SnpAttestation verified) {
        try {
            jdbc.sql("INSERT INTO snp_vcek_cache (chip_id, reported_tcb, certificate, created_at) VALUES (?,?,?,now())"
                            + " ON CONFLICT DO NOTHING")
                    .params(
                            Hex.of(verified.report().chipId()),
                            verified.report().reportedTcb(),
                            verified.signingCertificate().getEncoded())
                    .update();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static VerifiedEvidence nitro(NitroAttestation a) {
        TreeMap<String, String> measured = new TreeMap<>();
        a.pcrs().forEach((index, value) -> measured.put("pcr" + index, value));
        measured.put("module_id", a.moduleId());
        byte[] digest = a.userData() != null && a.userData().length == 32 ? a.userData() : null;
        return new VerifiedEvidence(Platform.NITRO, measured, a.publicKey(), digest);
    }

    /**
     * An Azure confidential VM: its vTPM PCRs, vouched for by the hardware report; a TDX-backed VM's platform TCB must
     * be accepted like any DCAP quote's. The quote's nonce binds the CSR key when it is the key's SHA-256.
     */
    private VerifiedEvidence azureCvm(byte[] evidence, byte[] signingCertificate, byte[] collateral, VerificationContext context)
            throws EvidenceRejected {
        AzureCvmAttestation a = azure.verify(evidence, signingCertificate, collateral == null ? null : DcapCollateral.parse(collateral), context);
        if (a.tdx() != null) {
            acceptTcb(a.tdx());
        }
        TreeMap<String, String> measured = new TreeMap<>();
        a.pcrs().forEach((index, value) -> measured.put("pcr" + index, value));
        measured.put("nonce", Hex.of(a.nonce()));
        if (a.snp() != null) {
            measured.put("hardware", "SEV_SNP");
            measured.put("measurement", Hex.of(a.snp().report().measurement()));
        } else {
            measured.put("hardware", "TDX");
            measured.put("mrtd", Hex.of(a.tdx().td().mrTd()));
            measured.put("tcb_status", a.tdx().tcbStatus());
        }
        return new VerifiedEvidence(Platform.AZURE_CVM, measured, null, a.nonce().length == 32 ? a.nonce() : null);
    }

    private void acceptTcb(DcapAttestation a) throws EvidenceRejected {
        for (String[] status : new String[][] {{"tcb_status", a.tcbStatus()}, {"qe_tcb_status", a.qeTcbStatus()},
                {"tdx_module_tcb_status", a.tdxModuleTcbStatus()}}) {
            if (status[1] != null && !acceptedTcb.contains(status[1])) {
                throw new EvidenceRejected(Reason.TCB, status[0], status[1] + (a.advisoryIds().isEmpty() ? "" : " (" + String.join(", ", a.advisoryIds()) + ")")
                        + " is not an accepted TCB status (" + String.join(", ", acceptedTcb) + "; openccm.attestation.dcap.accepted-tcb-statuses)");
            }
        }
    }

    /**
     * A DCAP quote: verified with the collateral the workload brings (OpenCCM does not call Intel's PCS), and only
     * at a TCB status the operator accepts; the enclave's or TD's identity becomes the measured values.
     */
    private VerifiedEvidence dcap(Platform platform, byte[] quote, byte[] collateral, VerificationContext context) throws EvidenceRejected {
        if (collateral == null) {
            throw new EvidenceRejected(Reason.MALFORMED, "collateral", "required for " + platform + " quotes: Intel's TCB info, QE identity and CRLs");
        }
        DcapAttestation a = dcap.verify(quote, DcapCollateral.parse(collateral), context);
        if ((platform == Platform.TDX) != (a.td() != null)) {
            throw new EvidenceRejected(Reason.MALFORMED, "evidence", "the quote is " + (a.td() != null ? "a TDX" : "an SGX") + " quote, not " + platform);
        }
        acceptTcb(a);
        TreeMap<String, String> measured = new TreeMap<>();
        byte[] reportData;
        if (a.enclave() != null) {
            measured.put("mrenclave", Hex.of(a.enclave().mrEnclave()));
            measured.put("mrsigner", Hex.of(a.enclave().mrSigner()));
            measured.put("isvprodid", Integer.toString(a.enclave().isvProdId()));
            measured.put("isvsvn", Integer.toString(a.enclave().isvSvn()));
            reportData = a.enclave().reportData();
        } else {
            measured.put("mrtd", Hex.of(a.td().mrTd()));
            measured.put("rtmr0", Hex.of(a.td().rtmr0()));
            measured.put("rtmr1", Hex.of(a.td().rtmr1()));
            measured.put("rtmr2", Hex.of(a.td().rtmr2()));
            measured.put("rtmr3", Hex.of(a.td().rtmr3()));
            measured.put("mrseam", Hex.of(a.td().mrSeam()));
            if (a.tdxModuleTcbStatus() != null) {
                measured.put("tdx_module_tcb_status", a.tdxModuleTcbStatus());
            }
            reportData = a.td().reportData();
        }
        measured.put("report_data", Hex.of(reportData));
        measured.put("fmspc", a.fmspc());
        measured.put("tcb_status", a.tcbStatus());
        measured.put("qe_tcb_status", a.qeTcbStatus());
        if (!a.advisoryIds().isEmpty()) {
            measured.put("advisory_ids", String.join(",", a.advisoryIds()));
        }
        return new VerifiedEvidence(platform, measured, null, Arrays.copyOf(reportData, 32));
    }

    /** The group's SNP values, the endorsed UVM, and HOST_DATA: the SHA-256 of the policy the UVM enforces. */
    private static VerifiedEvidence aci(AciAttestation a) {
        TreeMap<String, String> measured = new TreeMap<>(snp(a.snp()).measured());
        measured.put("uvm_launch_measurement", a.uvm().launchMeasurement());
        measured.put("uvm_guest_svn", Long.toString(a.uvm().guestSvn()));
        measured.put("uvm_issuer", a.uvm().issuer());
        return new VerifiedEvidence(Platform.ACI, measured, null, Arrays.copyOf(a.snp().report().reportData(), 32));
    }

    private static VerifiedEvidence snp(SnpAttestation a) {
        TreeMap<String, String> measured = new TreeMap<>(Map.of(
                "measurement", Hex.of(a.report().measurement()),
                "vmpl", "vmpl" + a.report().vmpl(),
                "host_data", Hex.of(a.report().hostData()),
                "report_data", Hex.of(a.report().reportData()),
                "product", a.product().kdsName(),
                "signing_key", a.vlek() ? "VLEK" : "VCEK",
                "reported_tcb", Long.toHexString(a.report().reportedTcb())));
        return new VerifiedEvidence(
                Platform.SEV_SNP, measured, null, Arrays.copyOf(a.report().reportData(), 32));
    }
}
