// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openccm.attestation.Evidence;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.EvidenceVerifier;
import org.openccm.attestation.KeyBinding;
import org.openccm.attestation.Platform;
import org.openccm.attestation.VerificationContext;
import org.openccm.attestation.VerifiedEvidence;
import org.openccm.attestation.aci.AciVerifier;
import org.openccm.attestation.aci.UvmEndorsementVerifier;
import org.openccm.attestation.azurecvm.AzureCvmVerifier;
import org.openccm.attestation.dcap.DcapVerifier;
import org.openccm.attestation.dcap.TcbPolicy;
import org.openccm.attestation.nitro.NitroVerifier;
import org.openccm.attestation.sgx.SgxVerifier;
import org.openccm.attestation.snp.AmdProduct;
import org.openccm.attestation.snp.SnpVerifier;
import org.openccm.attestation.tdx.TdxVerifier;
import org.openccm.attestation.x509.CertificateChains;
import org.openccm.server.collateral.VendorCollateral;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * One {@link EvidenceVerifier} per platform, built from the operator's settings: vendor roots shipped with OpenCCM
 * plus extra Nitro roots (a private test CA, say) or the simulation's, the ACI UVM issuers, the DCAP TCB and
 * revocation policies. Collateral the evidence lacks comes from {@link VendorCollateral} (cache, then vendor).
 */
@Service
public class EvidenceVerification {
    private final Map<Platform, EvidenceVerifier> verifiers = new EnumMap<>(Platform.class);
    private final VendorCollateral collateral;
    private final java.time.Duration collateralGrace;
    private final Optional<Simulation> simulation;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EvidenceVerification.class);

    /** Simulation mode's roots: a Nitro root and a Milan ARK/ASK from {@code openccm simulate init}. */
    public record Simulation(Path file, List<X509Certificate> nitroRoots, SnpVerifier.AmdCertificates milan, List<String> fingerprints) {
        static Simulation load(Path file) {
            try {
                List<X509Certificate> bundle = CertificateChains.parseAll(file.toString(), Files.readAllBytes(file));
                SnpVerifier.AmdCertificates milan = SnpVerifier.certificates(AmdProduct.MILAN, bundle);
                List<X509Certificate> nitro = bundle.stream()
                        .filter(c -> c != milan.ark() && c != milan.ask() && c != milan.asvk())
                        .toList();
                if (nitro.isEmpty()) {
                    throw new IllegalStateException("the simulation roots " + file + " hold no Nitro root");
                }
                return new Simulation(file, nitro, milan, bundle.stream().map(CertificateChains::fingerprint).toList());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the simulation roots " + file, e);
            } catch (EvidenceRejected | IllegalArgumentException e) {
                throw new IllegalStateException("the simulation roots " + file + " are not openccm simulate init's: " + e.getMessage(), e);
            }
        }
    }

    /** A vendor's revocation policy: true for fail-open; anything but the two spellings stops the start. */
    private static boolean revocationPolicy(String vendor, String value) {
        if (!value.equals("fail-closed") && !value.equals("fail-open")) {
            throw new IllegalStateException("openccm.collateral." + vendor + ".revocation must be fail-closed or fail-open, not " + value);
        }
        return value.equals("fail-open");
    }

    /** Present only in simulation mode. */
    public Optional<Simulation> simulation() {
        return simulation;
    }

    EvidenceVerification(
            @Value("${openccm.attestation.nitro.extra-roots:}") String extraNitroRoots,
            @Value("${openccm.attestation.aci.uvm-issuers:}") String uvmIssuers,
            @Value("${openccm.attestation.dcap.accepted-tcb-statuses:UpToDate,SWHardeningNeeded}") String acceptedTcbStatuses,
            @Value("${openccm.attestation.simulation.roots:}") String simulationRoots,
            @Value("${openccm.collateral.grace:P3D}") java.time.Duration collateralGrace,
            @Value("${openccm.collateral.intel.revocation:fail-closed}") String intelRevocation,
            @Value("${openccm.collateral.amd.revocation:fail-closed}") String amdRevocation,
            VendorCollateral collateral) {
        this.collateral = collateral;
        this.collateralGrace = collateralGrace;
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
        // Empty means Microsoft's issuer of the ACI UVM feed; an operator may name others (comma-separated did:x509).
        List<String> issuers = commaSeparated(uvmIssuers);
        if (issuers.isEmpty()) {
            issuers = List.of(UvmEndorsementVerifier.MICROSOFT_UVM_ISSUER);
        }
        SnpVerifier snp = revocationPolicy("amd", amdRevocation) ? SnpVerifier.withAmdRoots() : SnpVerifier.withAmdRoots().failClosed();
        this.simulation = simulationRoots.isBlank() ? Optional.empty() : Optional.of(Simulation.load(Path.of(simulationRoots.strip())));
        if (simulation.isPresent()) {
            Simulation sim = simulation.get();
            nitroRoots.addAll(sim.nitroRoots());
            snp = snp.alsoTrusting(AmdProduct.MILAN, sim.milan());
            log.warn("SIMULATION MODE: evidence signed by the simulation roots in {} is trusted (SHA-256 {}). Never run"
                    + " a production server like this: unset OPENCCM_SIMULATION_ROOTS.", sim.file(), sim.fingerprints());
        }
        DcapVerifier dcap = new DcapVerifier(DcapVerifier.intelRoot(), revocationPolicy("intel", intelRevocation));
        TcbPolicy tcb = new TcbPolicy(commaSeparated(acceptedTcbStatuses));
        register(new NitroVerifier(nitroRoots));
        register(snp);
        register(new AciVerifier(snp, new UvmEndorsementVerifier(issuers)));
        register(new SgxVerifier(dcap, tcb));
        register(new TdxVerifier(dcap, tcb));
        register(new AzureCvmVerifier(snp, dcap, tcb));
        for (Platform p : Platform.values()) {
            if (!verifiers.containsKey(p)) {
                throw new IllegalStateException("no verifier is registered for " + p);
            }
        }
    }

    private void register(EvidenceVerifier verifier) {
        if (verifiers.put(verifier.platform(), verifier) != null) {
            throw new IllegalStateException("two verifiers for " + verifier.platform());
        }
    }

    /**
     * The entries of a comma-separated property, blanks dropped. List properties are taken as text because Spring
     * binds an empty property to a list holding one null, which is what the default configuration has.
     */
    static List<String> commaSeparated(String property) {
        return java.util.Arrays.stream(property.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    /**
     * @param binding the key the evidence must bind, or null to verify without one (explain): the result then says
     *     {@code bound == false}
     */
    public VerifiedEvidence verify(Platform platform, Evidence evidence, Instant now, KeyBinding binding) throws EvidenceRejected {
        return verifiers.get(platform).verify(evidence, new VerificationContext(now, false, binding, collateral, collateralGrace));
    }
}
