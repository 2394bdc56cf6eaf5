// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.io.IOException;
import java.io.StringReader;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.Platform;
import org.openccm.server.account.Caller;
import org.openccm.server.app.AppService;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.build.Build;
import org.openccm.server.build.BuildService;
import org.openccm.server.build.BuildStatus;
import org.openccm.server.build.ImageMatcher;
import org.openccm.server.build.ImageMatcher.Considered;
import org.openccm.server.error.AttestationRefused;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.openccm.server.pki.CertificateService;
import org.openccm.server.pki.IssuedCertificate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * verify &rarr; match &rarr; bind &rarr; issue. Refusals are decisions too: they are audited, and their audit entries
 * commit although the request fails.
 */
@Service
public class AttestationService {
    private final EvidenceVerification verification;
    private final ImageMatcher matcher;
    private final BuildService builds;
    private final AppService apps;
    private final CertificateService certificates;
    private final AuditLog audit;
    private final Clock clock;

    AttestationService(
            EvidenceVerification verification,
            ImageMatcher matcher,
            BuildService builds,
            AppService apps,
            CertificateService certificates,
            AuditLog audit,
            Clock clock) {
        this.verification = verification;
        this.matcher = matcher;
        this.builds = builds;
        this.apps = apps;
        this.certificates = certificates;
        this.audit = audit;
        this.clock = clock;
    }

    private CoprocessorCheck coprocessors;

    @org.springframework.beans.factory.annotation.Autowired
    void setCoprocessorCheck(CoprocessorCheck coprocessors) {
        this.coprocessors = coprocessors;
    }

    /** @param collateral Intel's DCAP collateral for SGX and TDX quotes (dcap-qvl's JSON layout); null otherwise */
    public record Evidence(
            Platform platform, byte[] evidence, byte[] signingCertificate, byte[] collateral, CoprocessorCheck.GpuEvidence gpu) {}

    public record Attested(IssuedCertificate certificate, String caPem) {}

    /** The outcome of matching verified evidence: the image chosen (if any) and every image considered. */
    public record Decision(String outcome, Optional<Build> build, String detail, List<Considered> considered) {}

    public record Explanation(
            boolean verified, EvidenceRejected rejected, Map<String, String> measured, Decision decision) {}

    @Transactional(noRollbackFor = AttestationRefused.class)
    public Attested attest(Caller caller, Evidence evidence, String csrPem) {
        UUID account = caller.account();
        PublicKey key = csrPublicKey(csrPem);
        VerifiedEvidence verified;
        try {
            verified = verification.verify(evidence.platform(), evidence.evidence(), evidence.signingCertificate(), evidence.collateral(), clock.instant());
        } catch (EvidenceRejected e) {
            throw refuse(caller, evidence.platform(), e.reason().name(), e.field(), e.getMessage(), null);
        }
        Decision decision = decide(account, verified);
        if (decision.build().isEmpty() || !decision.outcome().equals("ACCEPTED")) {
            throw refuse(caller, evidence.platform(), decision.outcome(), "evidence", decision.detail(), verified.measured());
        }
        Build build = decision.build().get();
        try {
            coprocessors.check(build, evidence.gpu(), VerifiedEvidence.sha256(key.getEncoded()), clock.instant());
        } catch (EvidenceRejected e) {
            throw refuse(caller, evidence.platform(), e.reason().name(), e.field(), e.getMessage(), verified.measured());
        }
        if (!verified.binds(key.getEncoded())) {
            throw refuse(
                    caller,
                    evidence.platform(),
                    "BINDING",
                    "csr",
                    "the CSR's public key is not bound into the evidence (" + bindingRule(evidence.platform()) + ")",
                    verified.measured());
        }
        AppService.AppView app = apps.view(apps.get(account, build.appId()));
        List<String> domains = app.whitelistedDomains();
        String subject = build.advancedSettings().certificate().subject();
        if (domains.isEmpty()) {
            throw refuse(caller, evidence.platform(), "NO_DOMAIN", "app", "app '" + app.app().name()
                    + "' has no approved domain name to certify", verified.measured());
        }
        if (subject != null && !domains.contains(subject.toLowerCase(java.util.Locale.ROOT))) {
            throw refuse(caller, evidence.platform(), "NO_DOMAIN", "advanced_settings.certificate.subject",
                    "the image's certificate subject " + subject + " is not an approved domain of the app",
                    verified.measured());
        }
        IssuedCertificate cert = certificates.issue(
                account,
                caller.actor(),
                new CertificateService.Request(
                        key,
                        subject != null ? subject.toLowerCase(java.util.Locale.ROOT) : domains.getFirst(),
                        domains,
                        build.appId(),
                        build.id(),
                        evidence.platform().name()));
        builds.markDeployed(account, build.id(), caller.actor());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("platform", evidence.platform());
        details.put("build_id", build.id());
        details.put("certificate_id", cert.id());
        details.put("measured", verified.measured());
        audit.append(account, caller.actor(), "attestation.accepted", "build", build.id(), details);
        return new Attested(cert, certificates.caPem(account));
    }

    /** Verifies and matches without issuing or recording anything; {@code at} may replay archived evidence. */
    public Explanation explain(UUID account, Evidence evidence, Instant at) {
        VerifiedEvidence verified;
        try {
            verified = verification.verify(
                    evidence.platform(), evidence.evidence(), evidence.signingCertificate(), evidence.collateral(),
                    at == null ? clock.instant() : at);
        } catch (EvidenceRejected e) {
            return new Explanation(false, e, Map.of(), null);
        }
        Decision decision = decide(account, verified);
        if (decision.outcome().equals("ACCEPTED") && decision.build().isPresent()) {
            try {
                coprocessors.check(decision.build().get(), evidence.gpu(), null, at == null ? clock.instant() : at);
            } catch (EvidenceRejected e) {
                decision = new Decision("COPROCESSOR_REFUSED", decision.build(), e.field() + ": " + e.getMessage(), decision.considered());
            }
        }
        return new Explanation(true, null, verified.measured(), decision);
    }

    private Decision decide(UUID account, VerifiedEvidence verified) {
        List<Considered> considered = matcher.consider(account, verified.platform(), verified.measured());
        if (verified.platform() == Platform.AZURE_CVM) {
            return decideByPcrPriority(verified, considered);
        }
        List<Considered> matching = considered.stream().filter(Considered::matches).toList();
        Optional<Build> approved = matching.stream()
                .map(Considered::build)
                .filter(b -> b.status() == BuildStatus.WHITELISTED)
                .findFirst();
        if (approved.isPresent()) {
            return new Decision("ACCEPTED", approved, "image " + approved.get().id() + " is approved", considered);
        }
        if (!matching.isEmpty()) {
            Build b = matching.getFirst().build();
            return new Decision(
                    "NOT_APPROVED",
                    Optional.of(b),
                    "image " + b.id() + " matches but is " + b.status() + ", not approved",
                    considered);
        }
        return new Decision(
                "NO_MATCH",
                Optional.empty(),
                "no " + verified.platform() + " image of this account has the measured values " + identifying(verified),
                considered);
    }

    /**
     * The guide's rule for Azure CVM images (PcrPriorityMatcher): PCRs are compared in priority order, so an image
     * that sets fewer PCRs is not chosen over one that matches a higher-priority PCR; the chosen one must then match
     * all the PCRs it sets and be approved.
     */
    private static Decision decideByPcrPriority(VerifiedEvidence verified, List<Considered> considered) {
        Map<Integer, String> measured = new java.util.HashMap<>();
        verified.measured().forEach((k, v) -> {
            if (k.matches("pcr\\d+")) {
                measured.put(Integer.parseInt(k.substring(3)), v);
            }
        });
        Map<String, Build> byId = new java.util.HashMap<>();
        List<org.openccm.attestation.azurecvm.PcrPriorityMatcher.Candidate> candidates = new java.util.ArrayList<>();
        for (Considered c : considered) {
            Build b = c.build();
            byId.put(b.id().toString(), b);
            candidates.add(new org.openccm.attestation.azurecvm.PcrPriorityMatcher.Candidate(
                    b.id().toString(), b.attributes().azureCvm().pcrs().values(), b.status() == BuildStatus.WHITELISTED));
        }
        var selection = new org.openccm.attestation.azurecvm.PcrPriorityMatcher().select(measured, candidates);
        Optional<Build> chosen = selection.chosen().map(c -> byId.get(c.id()));
        return switch (selection.verdict()) {
            case ACCEPTED -> new Decision("ACCEPTED", chosen, selection.explanation(), considered);
            case NOT_APPROVED -> new Decision("NOT_APPROVED", chosen, selection.explanation(), considered);
            case PCR_MISMATCH, NO_MATCH -> new Decision("NO_MATCH", Optional.empty(), selection.explanation(), considered);
        };
    }

    private AttestationRefused refuse(
            Caller caller, Platform platform, String reason, String field, String detail, Map<String, String> measured) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("platform", platform);
        details.put("reason", reason);
        details.put("field", field);
        details.put("detail", detail);
        if (measured != null) {
            details.put("measured", measured);
        }
        audit.append(caller.account(), caller.actor(), "attestation.refused", "attestation", null, details);
        return new AttestationRefused(reason, field, detail);
    }

    private static Map<String, String> identifying(VerifiedEvidence v) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : List.of("pcr0", "pcr1", "pcr2", "pcr8", "measurement", "vmpl", "host_data", "mrenclave", "mrsigner", "mrtd")) {
            if (v.measured().containsKey(key)) {
                out.put(key, v.measured().get(key));
            }
        }
        return out;
    }

    private static String bindingRule(Platform platform) {
        return platform == Platform.NITRO
                ? "public_key must be its DER SubjectPublicKeyInfo, or user_data its SHA-256"
                : "REPORT_DATA must start with the SHA-256 of its DER SubjectPublicKeyInfo";
    }

    /** The public key of a PKCS#10 request whose self-signature proves the workload holds the private key. */
    static PublicKey csrPublicKey(String pem) {
        FieldRules.required("csr", pem);
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object parsed = parser.readObject();
            if (!(parsed instanceof PKCS10CertificationRequest csr)) {
                throw new InvalidField("csr", "not a PEM certificate request (BEGIN CERTIFICATE REQUEST)");
            }
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr);
            PublicKey key = jca.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new InvalidField("csr", "its signature does not verify with its own public key");
            }
            return key;
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException
                | org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.pkcs.PKCSException e) {
            if (e instanceof InvalidField invalid) {
                throw invalid;
            }
            throw new InvalidField("csr", "not a readable certificate request: " + e.getMessage());
        }
    }
}
