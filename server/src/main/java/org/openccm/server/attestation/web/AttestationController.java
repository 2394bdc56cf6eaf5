// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.attestation.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openccm.attestation.Platform;
import org.openccm.server.identity.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.attestation.AttestationService;
import org.openccm.server.attestation.Challenges;
import org.openccm.server.attestation.CoprocessorCheck;
import org.openccm.server.attestation.Decision;
import org.openccm.server.attestation.AttestationService.Evidence;
import org.openccm.server.build.BuildStatus;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Attestation")
class AttestationController {
    private final AttestationService attestation;
    private final Challenges challenges;

    AttestationController(AttestationService attestation, Challenges challenges) {
        this.attestation = attestation;
        this.challenges = challenges;
    }

    /**
     * {@code nonce}: base64 of 32 random bytes, usable once until {@code expires_at}; {@code binding}: where the
     * evidence must carry SHA-256(CSR key's DER SubjectPublicKeyInfo ‖ nonce).
     */
    record ChallengeResponse(String nonce, long expiresAt, String binding) {}

    static final String BINDING_RULE = "SHA-256(DER SubjectPublicKeyInfo of the CSR key || nonce) in the first 32 bytes of"
            + " REPORT_DATA (SEV-SNP, ACI, SGX, TDX), of the vTPM quote's nonce (Azure CVM), or of user_data (Nitro; or"
            + " public_key = the SubjectPublicKeyInfo and nonce = the nonce)";

    @PostMapping("/v1/attestation/challenge")
    @PreAuthorize(Roles.ATTEST)
    @Operation(summary = "Get a single-use nonce to bind into fresh evidence for POST /v1/attestation")
    ChallengeResponse challenge(@AuthenticationPrincipal Caller caller) {
        Challenges.Challenge c = challenges.issue(caller.account());
        return new ChallengeResponse(Base64.getEncoder().encodeToString(c.nonce()), c.expiresAt().getEpochSecond(), BINDING_RULE);
    }

    /**
     * {@code evidence}: base64 of the Nitro attestation document, the SEV-SNP report, the DCAP quote (SGX, TDX) or
     * the ACI evidence JSON; {@code vcek}: the SNP report's VCEK/VLEK, PEM or base64 DER; {@code collateral}: Intel's
     * collateral for a DCAP quote (dcap-qvl's JSON, as JSON text or base64); {@code csr}: PEM PKCS#10 whose key the
     * evidence binds.
     */
    /** An NVIDIA GPU's attestation: the SPDM report (hex or base64), its device chain (PEM), driver and VBIOS RIMs (XML). */
    record GpuEvidenceRequest(String evidence, String certificateChain, List<String> rims) {}

    /**
     * {@code nonce}: the base64 nonce of POST /v1/attestation/challenge that the evidence binds with the CSR key;
     * {@code node_name}: the workload instance's name in its zone (default: derived from the CSR key).
     */
    record AttestationRequest(
            Platform platform, String evidence, String vcek, String collateral, GpuEvidenceRequest gpu, String csr, String nonce,
            String nodeName) {}

    record AttestationResponse(
            UUID certificateId,
            String serial,
            UUID appId,
            UUID buildId,
            String subject,
            List<String> dnsNames,
            long notAfter,
            String certificate,
            List<String> certificateChain,
            UUID nodeId,
            String keyPath,
            String certPath,
            List<String> collateralWarnings) {}

    /** Explain: the same evidence fields, and optionally the instant to verify at (archived evidence). */
    record ExplainRequest(
            Platform platform, String evidence, String vcek, String collateral, GpuEvidenceRequest gpu, Long verificationTime) {}

    record ImageConsidered(UUID buildId, UUID appId, BuildStatus status, boolean matches, String why) {}

    record DecisionInfo(String outcome, UUID buildId, String detail) {}

    /** {@code binding}: explain issues nothing, so it checks no key binding and says so. */
    record ExplainResponse(
            boolean verified,
            String reason,
            String field,
            String detail,
            Map<String, String> measured,
            DecisionInfo decision,
            List<ImageConsidered> images,
            String binding,
            List<String> collateralWarnings) {}

    static final String BINDING_NOT_CHECKED = "not checked: explain issues no certificate, so no key must be bound";

    @PostMapping("/v1/attestation")
    @PreAuthorize(Roles.ATTEST)
    @Operation(summary = "Attest a workload: verify its evidence, match an approved image, issue a certificate")
    AttestationResponse attest(@AuthenticationPrincipal Caller caller, @RequestBody AttestationRequest request) {
        AttestationService.Attested a =
                attestation.attest(caller, evidence(request.platform(), request.evidence(), request.vcek(), request.collateral(), request.gpu()),
                        request.csr(), request.nonce() == null ? null : base64("nonce", request.nonce()), request.nodeName());
        var c = a.certificate();
        return new AttestationResponse(
                c.id(),
                c.serial(),
                c.appId(),
                c.buildId(),
                c.subject(),
                c.dnsNames(),
                c.notAfter().getEpochSecond(),
                c.certificatePem(),
                List.of(c.certificatePem(), a.caPem()),
                c.nodeId(),
                a.keyPath(),
                a.certPath(),
                a.warnings().isEmpty() ? null : a.warnings());
    }

    @PostMapping("/v1/attestation/explain")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Verify and match evidence without issuing anything, and say why each image did or did not match")
    ExplainResponse explain(@AuthenticationPrincipal Caller caller, @RequestBody ExplainRequest request) {
        Long seconds = request.verificationTime();
        // 0001-01-01 .. 9999-12-31: any instant a certificate can name
        if (seconds != null && (seconds < -62135596800L || seconds > 253402300799L)) {
            throw new org.openccm.server.error.InvalidField("verification_time", "seconds since the epoch, between years 1 and 9999");
        }
        Instant at = seconds == null ? null : Instant.ofEpochSecond(seconds);
        AttestationService.Explanation e = attestation.explain(
                caller.account(), evidence(request.platform(), request.evidence(), request.vcek(), request.collateral(), request.gpu()), at);
        if (!e.verified()) {
            return new ExplainResponse(
                    false, e.rejected().reason().name(), e.rejected().field(), e.rejected().getMessage(), Map.of(), null, List.of(),
                    BINDING_NOT_CHECKED, null);
        }
        Decision d = e.decision();
        DecisionInfo decision = switch (d) {
            case Decision.Accepted a -> new DecisionInfo("ACCEPTED", a.build().id(), a.detail());
            case Decision.NotApproved n -> new DecisionInfo("NOT_APPROVED", n.build().id(), n.detail());
            case Decision.NoMatch n -> new DecisionInfo("NO_MATCH", null, n.detail());
            case Decision.Refused r -> new DecisionInfo("COPROCESSOR_REFUSED", r.build().id(), r.detail());
        };
        return new ExplainResponse(
                true,
                null,
                null,
                null,
                e.measured(),
                decision,
                d.considered().stream()
                        .map(c -> new ImageConsidered(
                                c.build().id(), c.build().appId(), c.build().status(), c.matches(), c.why()))
                        .toList(),
                BINDING_NOT_CHECKED,
                e.warnings().isEmpty() ? null : e.warnings());
    }

    private static Evidence evidence(Platform platform, String evidence, String vcek, String collateral, GpuEvidenceRequest gpu) {
        FieldRules.required("platform", platform);
        byte[] bytes = base64("evidence", FieldRules.required("evidence", evidence));
        byte[] cert = vcek == null
                ? null
                : vcek.contains("-----BEGIN") ? vcek.getBytes(StandardCharsets.US_ASCII) : base64("vcek", vcek);
        byte[] dcap = collateral == null
                ? null
                : collateral.trim().startsWith("{") ? collateral.getBytes(StandardCharsets.UTF_8) : base64("collateral", collateral);
        CoprocessorCheck.GpuEvidence gpuEvidence = null;
        if (gpu != null) {
            String report = FieldRules.required("gpu.evidence", gpu.evidence()).trim();
            byte[] reportBytes;
            try {
                reportBytes = report.matches("[0-9a-fA-F]+") ? java.util.HexFormat.of().parseHex(report) : base64("gpu.evidence", report);
            } catch (IllegalArgumentException e) {
                throw new org.openccm.server.error.InvalidField("gpu.evidence", "neither hex nor base64");
            }
            gpuEvidence = new CoprocessorCheck.GpuEvidence(
                    reportBytes,
                    gpu.certificateChain() == null ? null : gpu.certificateChain().getBytes(StandardCharsets.US_ASCII),
                    gpu.rims());
        }
        return new Evidence(platform, bytes, cert, dcap, gpuEvidence);
    }

    private static byte[] base64(String field, String value) {
        try {
            return Base64.getDecoder().decode(value.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidField(field, "not valid base64");
        }
    }
}
