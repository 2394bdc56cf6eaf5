// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation;

import java.io.IOException;
import java.io.StringReader;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.openccm.attestation.EvidenceRejected;
import org.openccm.attestation.KeyBinding;
import org.openccm.attestation.Measurement;
import org.openccm.attestation.Platform;
import org.openccm.attestation.ReferenceValues;
import org.openccm.attestation.VerifiedEvidence;
import org.openccm.attestation.x509.Ecdsa;
import org.openccm.attestation.azurecvm.PcrPriorityMatcher;
import org.openccm.server.identity.Caller;
import org.openccm.server.app.AppService;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.build.Build;
import org.openccm.server.build.BuildService;
import org.openccm.server.build.BuildStatus;
import org.openccm.server.build.DeploymentStatus;
import org.openccm.server.build.ImageMatcher;
import org.openccm.server.build.ImageMatcher.Considered;
import org.openccm.server.error.AttestationRefused;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.openccm.server.pki.CertificateService;
import org.openccm.server.pki.IssuedCertificate;
import org.openccm.server.node.Node;
import org.openccm.server.node.NodeService;
import org.openccm.server.zone.ZoneService;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

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
    private final CoprocessorCheck coprocessors;
    private final AttestationMetrics metrics;
    private final Challenges challenges;
    private final ZoneService zones;
    private final NodeService nodes;
    private final AuditLog audit;
    private final Clock clock;
    private final TransactionTemplate transactions;

    AttestationService(
            EvidenceVerification verification,
            ImageMatcher matcher,
            BuildService builds,
            AppService apps,
            CertificateService certificates,
            CoprocessorCheck coprocessors,
            Challenges challenges,
            ZoneService zones,
            NodeService nodes,
            AuditLog audit,
            Clock clock,
            AttestationMetrics metrics,
            PlatformTransactionManager transactionManager) {
        this.metrics = metrics;
        this.transactions = new TransactionTemplate(transactionManager);
        this.zones = zones;
        this.nodes = nodes;
        this.coprocessors = coprocessors;
        this.challenges = challenges;
        this.verification = verification;
        this.matcher = matcher;
        this.builds = builds;
        this.apps = apps;
        this.certificates = certificates;
        this.audit = audit;
        this.clock = clock;
    }


    /** @param collateral Intel's DCAP collateral for SGX and TDX quotes (dcap-qvl's JSON layout); null otherwise */
    public record Evidence(
            Platform platform, byte[] evidence, byte[] signingCertificate, byte[] collateral, CoprocessorCheck.GpuEvidence gpu) {
        org.openccm.attestation.Evidence platformEvidence() {
            return new org.openccm.attestation.Evidence(evidence, signingCertificate, collateral);
        }
    }

    /** {@code keyPath}/{@code certPath}: where the image wants its key and certificate (null: the agent's defaults). */
    public record Attested(IssuedCertificate certificate, String caPem, String keyPath, String certPath, List<String> warnings) {}

    /** {@code measured} is empty and {@code decision} null when the evidence did not verify ({@code rejected}). */
    /** {@code warnings}: what verification accepted only by a grace (stale collateral). */
    public record Explanation(boolean verified, EvidenceRejected rejected, Map<String, String> measured, Decision decision, List<String> warnings) {}

    /** How many images beyond the index's candidates explain shows, newest first. */
    static final int OTHER_IMAGES_EXPLAINED = 20;

    /**
     * @param nonce a nonce from {@link Challenges#issue}: consumed here, whatever the outcome; the evidence must bind
     *     SHA-256(CSR key's SubjectPublicKeyInfo ‖ nonce)
     */
    public Attested attest(Caller caller, Evidence evidence, String csrPem, byte[] nonce, String nodeName) {
        long started = System.nanoTime();
        String outcome = "INVALID";
        try {
            Checked checked = check(caller, evidence, csrPem, nonce, nodeName);
            // The database is used only from here on, in one transaction: a refusal's audit entry (and the nonce's
            // use) commit although the request fails, anything else thrown rolls everything back.
            Object result = transactions.execute(status -> {
                try {
                    return decideAndIssue(caller, evidence, checked, nonce);
                } catch (AttestationRefused refused) {
                    return refused;
                }
            });
            if (result instanceof AttestationRefused refused) {
                throw refused;
            }
            outcome = "ACCEPTED";
            return (Attested) result;
        } catch (org.openccm.server.error.AttestationRefused e) {
            outcome = e.reason();
            throw e;
        } finally {
            metrics.record("attest", evidence.platform(), outcome, System.nanoTime() - started);
        }
    }

    /**
     * What the request proves before anything is looked up: the CSR's self-signature and the evidence's signatures
     * and binding. This is most of an attestation's CPU time (and may wait for a vendor's collateral), so it is done
     * before a database connection is taken; its verdict is used only after the nonce was consumed, so a request
     * with a used nonce is refused for that first, as before.
     */
    private record Checked(PublicKey key, String node, KeyBinding binding, Instant now, VerifiedEvidence verified, EvidenceRejected rejected) {}

    private Checked check(Caller caller, Evidence evidence, String csrPem, byte[] nonce, String nodeName) {
        PublicKey key = csrPublicKey(csrPem);
        String node = nodeName(nodeName, evidence.platform(), key);
        if (nonce == null || nonce.length != Challenges.NONCE_BYTES) {
            throw new InvalidField("nonce", "required: the " + Challenges.NONCE_BYTES
                    + "-byte nonce of POST /v1/attestation/challenge (base64), bound into the evidence with the CSR key");
        }
        KeyBinding binding = new KeyBinding("csr", key.getEncoded(), nonce);
        Instant now = clock.instant();
        if (!challenges.usable(caller.account(), nonce)) {
            // Refused for its nonce in the transaction, with the reason (unknown, replayed, expired): not verified.
            return new Checked(key, node, binding, now, null, null);
        }
        return verifyNow(evidence, new Checked(key, node, binding, now, null, null));
    }

    private Checked verifyNow(Evidence evidence, Checked c) {
        try {
            VerifiedEvidence verified = verification.verify(evidence.platform(), evidence.platformEvidence(), c.now(), c.binding());
            if (!verified.bound()) {
                throw new IllegalStateException(evidence.platform() + "'s verifier did not check the binding it was given");
            }
            return new Checked(c.key(), c.node(), c.binding(), c.now(), verified, null);
        } catch (EvidenceRejected e) {
            return new Checked(c.key(), c.node(), c.binding(), c.now(), null, e);
        }
    }

    private Attested decideAndIssue(Caller caller, Evidence evidence, Checked given, byte[] nonce) {
        Checked checked = given;
        UUID account = caller.account();
        try {
            challenges.consume(account, nonce);
        } catch (AttestationRefused e) {
            throw refuse(caller, evidence.platform(), e.reason(), e.field(), e.getMessage(), null);
        }
        if (checked.verified() == null && checked.rejected() == null) {
            // The nonce was not usable when checked but was consumed now (a clock at the edge): verify here.
            checked = verifyNow(evidence, checked);
        }
        if (checked.rejected() != null) {
            EvidenceRejected e = checked.rejected();
            throw refuse(caller, evidence.platform(), e.reason().name(), e.field(), e.getMessage(), null);
        }
        PublicKey key = checked.key();
        String node = checked.node();
        KeyBinding binding = checked.binding();
        Instant now = checked.now();
        VerifiedEvidence verified = checked.verified();
        Map<String, String> measured = verified.measurement().describe();
        List<String> warnings = new ArrayList<>(verified.warnings());
        Decision decision = decide(account, verified.measurement(), evidence.gpu(), binding.digest(), now, warnings);
        Build build = switch (decision) {
            case Decision.Accepted accepted -> accepted.build();
            case Decision.NotApproved n -> throw refuse(caller, evidence.platform(), "NOT_APPROVED", "evidence", n.detail(), measured, warnings);
            case Decision.NoMatch n -> throw refuse(caller, evidence.platform(), "NO_MATCH", "evidence", n.detail(), measured, warnings);
            case Decision.Refused r -> throw refuse(caller, evidence.platform(), r.reason().name(), r.field(), r.detail(), measured, warnings);
        };
        AppService.AppView app = apps.view(apps.get(account, build.appId()));
        List<String> domains = app.whitelistedDomains();
        String subject = build.advancedSettings().certificate().subject();
        if (domains.isEmpty()) {
            throw refuse(caller, evidence.platform(), "NO_DOMAIN", "app", "app '" + app.app().name()
                    + "' has no approved domain name to certify", measured, warnings);
        }
        if (subject != null && !domains.contains(subject.toLowerCase(java.util.Locale.ROOT))) {
            throw refuse(caller, evidence.platform(), "NO_DOMAIN", "advanced_settings.certificate.subject",
                    "the image's certificate subject " + subject + " is not an approved domain of the app", measured, warnings);
        }
        UUID zone = caller.workload() ? caller.zoneId() : zones.defaultZone(account).id();
        Node attestedNode;
        try {
            attestedNode = nodes.attested(new NodeService.Attested(account, zone, node, evidence.platform(), build.appId(), build.id(), measured));
        } catch (AttestationRefused e) {
            throw refuse(caller, evidence.platform(), e.reason(), e.field(), e.getMessage(), measured, warnings);
        }
        // Read before issuing: issuing takes the account's audit chain lock, which every writer of the account waits
        // for until this transaction commits, so nothing that can be done before it is done after.
        String caPem = certificates.caPem(account);
        IssuedCertificate cert = certificates.issue(
                account,
                caller.actor(),
                new CertificateService.Request(
                        key,
                        subject != null ? subject.toLowerCase(java.util.Locale.ROOT) : domains.getFirst(),
                        domains,
                        build.appId(),
                        build.id(),
                        evidence.platform().name(),
                        attestedNode.id()));
        // DEPLOYED is final: only an image's first attestations need its row lock to mark it.
        if (build.deploymentStatus() != DeploymentStatus.DEPLOYED) {
            builds.markDeployed(account, build.id(), caller.actor());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("platform", evidence.platform());
        details.put("build_id", build.id());
        details.put("certificate_id", cert.id());
        details.put("node_id", attestedNode.id());
        if (!warnings.isEmpty()) {
            details.put("collateral_warnings", warnings);
        }
        details.put("measured", measured);
        audit.append(account, caller.actor(), "attestation.accepted", "build", build.id(), details);
        var paths = build.advancedSettings().certificate();
        return new Attested(cert, caPem, paths.keyPath(), paths.certPath(), warnings);
    }

    /**
     * Verifies and matches without issuing or recording anything; {@code at} may replay archived evidence. No key
     * binding is checked (nothing is issued), and the images that the index did not offer are listed too.
     */
    public Explanation explain(UUID account, Evidence evidence, Instant at) {
        long started = System.nanoTime();
        Explanation e = explainChecked(account, evidence, at);
        String outcome = !e.verified() ? e.rejected().reason().name() : e.decision() instanceof Decision.Accepted ? "ACCEPTED"
                : e.decision() instanceof Decision.NotApproved ? "NOT_APPROVED" : e.decision() instanceof Decision.NoMatch ? "NO_MATCH" : "REFUSED";
        metrics.record("explain", evidence.platform(), outcome, System.nanoTime() - started);
        return e;
    }

    private Explanation explainChecked(UUID account, Evidence evidence, Instant at) {
        Instant now = at == null ? clock.instant() : at;
        VerifiedEvidence verified;
        try {
            verified = verification.verify(evidence.platform(), evidence.platformEvidence(), now, null);
        } catch (EvidenceRejected e) {
            return new Explanation(false, e, Map.of(), null, List.of());
        }
        List<String> warnings = new ArrayList<>(verified.warnings());
        Decision decision = decide(account, verified.measurement(), evidence.gpu(), null, now, warnings);
        List<Considered> shown = new ArrayList<>(decision.considered());
        Set<UUID> ids = new HashSet<>();
        shown.forEach(c -> ids.add(c.build().id()));
        shown.addAll(matcher.others(account, verified.measurement(), ids, OTHER_IMAGES_EXPLAINED));
        return new Explanation(true, null, verified.measurement().describe(), withConsidered(decision, List.copyOf(shown)), List.copyOf(warnings));
    }

    private static Decision withConsidered(Decision d, List<Considered> considered) {
        return switch (d) {
            case Decision.Accepted a -> new Decision.Accepted(a.build(), a.detail(), considered);
            case Decision.NotApproved n -> new Decision.NotApproved(n.build(), n.detail(), considered);
            case Decision.NoMatch n -> new Decision.NoMatch(n.detail(), considered);
            case Decision.Refused r -> new Decision.Refused(r.build(), r.reason(), r.field(), r.detail(), considered);
        };
    }

    /**
     * Chooses the image among the index's candidates: the newest approved match, else the newest match (not
     * approved), else none; Azure CVMs by the guide's PCR priority rule. An accepted image's coprocessors are then
     * checked, with {@code gpuNonce} as the GPU report's expected nonce (null when nothing is issued); what that check
     * accepted only by policy is added to {@code warnings}.
     */
    private Decision decide(UUID account, Measurement measured, CoprocessorCheck.GpuEvidence gpu, byte[] gpuNonce, Instant now, List<String> warnings) {
        List<Considered> considered = matcher.candidates(account, measured);
        Decision decision = measured instanceof Measurement.AzureCvm cvm
                ? decideByPcrPriority(cvm, considered)
                : decideByMatch(measured, considered);
        if (decision instanceof Decision.Accepted accepted) {
            Considered chosen = considered.stream().filter(c -> c.build().id().equals(accepted.build().id())).findFirst().orElseThrow();
            try {
                coprocessors.check(accepted.build(), chosen.referenceValues().orElseThrow(), gpu, gpuNonce, now, warnings);
            } catch (EvidenceRejected e) {
                return new Decision.Refused(accepted.build(), e.reason(), e.field(), e.getMessage(), considered);
            }
        }
        return decision;
    }

    private static Decision decideByMatch(Measurement measured, List<Considered> considered) {
        List<Considered> matching = considered.stream().filter(Considered::matches).toList();
        Optional<Build> approved = matching.stream()
                .map(Considered::build)
                .filter(b -> b.status() == BuildStatus.WHITELISTED)
                .findFirst();
        if (approved.isPresent()) {
            return new Decision.Accepted(approved.get(), "image " + approved.get().id() + " is approved", considered);
        }
        if (!matching.isEmpty()) {
            Build b = matching.getFirst().build();
            return new Decision.NotApproved(b, "image " + b.id() + " matches but is " + b.status() + ", not approved", considered);
        }
        return new Decision.NoMatch(
                "no " + measured.platform() + " image of this account has the measured values " + measured.identity(), considered);
    }

    /**
     * The guide's rule for Azure CVM images (PcrPriorityMatcher): PCRs are compared in priority order, so an image
     * that sets fewer PCRs is not chosen over one that matches a higher-priority PCR; the chosen one must then match
     * all the PCRs it sets and be approved. The index offers every image sharing a PCR value, and those with none set.
     */
    private static Decision decideByPcrPriority(Measurement.AzureCvm measured, List<Considered> considered) {
        Map<String, Build> byId = new HashMap<>();
        List<PcrPriorityMatcher.Candidate> candidates = new ArrayList<>();
        for (Considered c : considered) {
            if (!(c.referenceValues().orElse(null) instanceof ReferenceValues.AzureCvm values)) {
                continue;
            }
            Build b = c.build();
            byId.put(b.id().toString(), b);
            candidates.add(new PcrPriorityMatcher.Candidate(b.id().toString(), values.pcrs(), b.status() == BuildStatus.WHITELISTED));
        }
        var selection = new PcrPriorityMatcher().select(measured.pcrs(), candidates);
        Optional<Build> chosen = selection.chosen().map(c -> byId.get(c.id()));
        return switch (selection.verdict()) {
            case ACCEPTED -> new Decision.Accepted(chosen.orElseThrow(), selection.explanation(), considered);
            case NOT_APPROVED -> new Decision.NotApproved(chosen.orElseThrow(), selection.explanation(), considered);
            case PCR_MISMATCH, NO_MATCH -> new Decision.NoMatch(selection.explanation(), considered);
        };
    }

    private AttestationRefused refuse(
            Caller caller, Platform platform, String reason, String field, String detail, Map<String, String> measured) {
        return refuse(caller, platform, reason, field, detail, measured, List.of());
    }

    /** @param warnings what verification accepted only by a grace: the refusal's audit entry says so too */
    private AttestationRefused refuse(Caller caller, Platform platform, String reason, String field, String detail,
            Map<String, String> measured, List<String> warnings) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("platform", platform);
        details.put("reason", reason);
        details.put("field", field);
        details.put("detail", detail);
        if (measured != null) {
            details.put("measured", measured);
        }
        if (!warnings.isEmpty()) {
            details.put("collateral_warnings", warnings);
        }
        audit.append(caller.account(), caller.actor(), "attestation.refused", "attestation", null, details);
        return new AttestationRefused(reason, field, detail);
    }

    /**
     * The node's name as its agent gives it, or, when it gives none, one derived from the workload's key (so each new
     * key is a new node).
     */
    static String nodeName(String given, Platform platform, PublicKey key) {
        if (given != null) {
            return NodeService.name("node_name", given);
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return platform.name().toLowerCase(java.util.Locale.ROOT) + "-" + java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Map<org.bouncycastle.asn1.ASN1ObjectIdentifier, Ecdsa.Hash> ECDSA_DIGESTS = Map.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, Ecdsa.Hash.SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384, Ecdsa.Hash.SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512, Ecdsa.Hash.SHA512);

    /**
     * ECDSA requests (what agents make) are checked with the attestation library's {@link Ecdsa}: the JDK's SunEC took
     * a fifth of an attestation's CPU time under load for this one check. Other algorithms go through the JDK.
     */
    private static boolean selfSigned(PKCS10CertificationRequest csr, PublicKey key)
            throws IOException, java.security.GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException,
                    org.bouncycastle.pkcs.PKCSException {
        Ecdsa.Hash hash = ECDSA_DIGESTS.get(csr.getSignatureAlgorithm().getAlgorithm());
        if (hash == null || !(key instanceof java.security.interfaces.ECPublicKey)) {
            return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        }
        byte[] signed = csr.toASN1Structure().getCertificationRequestInfo().getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
        return Ecdsa.verifyDerOnce(key, hash, signed, csr.getSignature());
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
            if (!selfSigned(csr, key)) {
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
