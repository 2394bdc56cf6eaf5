// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.audit.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.openccm.server.identity.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.audit.AuditEntry;
import org.openccm.server.audit.AuditCheckpoints;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.keys.ServerKeys;
import org.openccm.server.web.Page;
import org.openccm.server.web.SearchMetadata;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RestController
@Tag(name = "Audit")
class AuditController {
    private final AuditLog audit;
    private final AuditCheckpoints checkpoints;
    private final JsonMapper json;

    AuditController(AuditLog audit, AuditCheckpoints checkpoints, JsonMapper json) {
        this.audit = audit;
        this.checkpoints = checkpoints;
        this.json = json;
    }

    record ActorInfo(UUID userId, String email, UUID apiKeyId) {}

    record AuditEntryResponse(
            long seq,
            UUID entryId,
            long at,
            ActorInfo actor,
            String action,
            String objectType,
            UUID objectId,
            JsonNode details,
            String prevHash,
            String hash) {}

    record AuditListResponse(SearchMetadata metadata, List<AuditEntryResponse> items) {}

    record BreakInfo(long seq, UUID entryId, String reason) {}

    /**
     * {@code valid}: the chain holds and matches every signed checkpoint; {@code checkpoint_problems} says which
     * checkpoint the stored chain no longer matches.
     */
    record VerifyResponse(boolean valid, long entriesChecked, BreakInfo firstInvalid, int checkpointsChecked, List<String> checkpointProblems,
            Long latestCheckpointAt) {}

    /** {@code signed_text} is what {@code signature} (ECDSA P-256, SHA-256, DER, base64) signs. */
    record CheckpointResponse(UUID checkpointId, long seq, String headHash, long at, String signedText, String signature, String keySha256) {
        static CheckpointResponse of(AuditCheckpoints.Checkpoint c) {
            return new CheckpointResponse(c.id(), c.seq(), c.headHash(), c.at().getEpochSecond(), c.signedText(),
                    java.util.Base64.getEncoder().encodeToString(c.signature()), c.keySha256());
        }
    }

    record CheckpointList(SearchMetadata metadata, String publicKey, String keySha256, List<CheckpointResponse> items) {}

    /**
     * A receipt for one entry, verifiable offline ({@code openccm audit verify-receipt}): {@code entries} are the exact
     * texts hashed, this entry's first and each later one's last line the previous one's SHA-256, up to the entry the
     * checkpoint signs.
     */
    record ReceiptResponse(String format, UUID entryId, List<String> entries, CheckpointResponse checkpoint, String publicKey, String keySha256) {}

    @GetMapping("/v1/audit")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The audit log of the selected account, newest first")
    AuditListResponse list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String action,
            @RequestParam(name = "object_id", required = false) UUID objectId,
            @RequestParam(name = "actor_user_id", required = false) UUID actor,
            @RequestParam(required = false) Long since,
            @RequestParam(required = false) Long until,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Integer offset) {
        Page page = Page.of(limit, offset);
        UUID account = caller.account();
        var search = new AuditLog.Search(
                action,
                objectId,
                actor,
                since == null ? null : Instant.ofEpochSecond(since),
                until == null ? null : Instant.ofEpochSecond(until),
                page.limit(),
                page.offset());
        int total = audit.count(account, new AuditLog.Search(null, null, null, null, null, 1, 0));
        List<AuditEntryResponse> items =
                audit.search(account, search).stream().map(this::response).toList();
        return new AuditListResponse(page.metadata(total, audit.count(account, search)), items);
    }

    @GetMapping("/v1/audit/verify")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Recompute the account's hash chain, name the first entry that does not fit, and check it against the signed checkpoints")
    VerifyResponse verify(@AuthenticationPrincipal Caller caller) {
        AuditLog.Verification v = audit.verify(caller.account());
        AuditCheckpoints.Check c = checkpoints.check(caller.account());
        return new VerifyResponse(
                v.valid() && c.problems().isEmpty(),
                v.entriesChecked(),
                v.firstInvalid().map(b -> new BreakInfo(b.seq(), b.entryId(), b.reason())).orElse(null),
                c.checked(),
                c.problems(),
                c.latest().map(Instant::getEpochSecond).orElse(null));
    }

    @GetMapping("/v1/audit/checkpoints")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "The signed checkpoints of the account's audit chain, newest first, with the server's public key")
    CheckpointList checkpoints(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Integer offset) {
        Page page = Page.of(limit, offset);
        int total = checkpoints.count(caller.account());
        var key = checkpoints.publicKey();
        return new CheckpointList(page.metadata(total, total), ServerKeys.pem(key), ServerKeys.fingerprint(key),
                checkpoints.list(caller.account(), page.limit(), page.offset()).stream().map(CheckpointResponse::of).toList());
    }

    @PostMapping("/v1/audit/checkpoints")
    @PreAuthorize(Roles.ADMIN)
    @Operation(summary = "Sign a checkpoint of the account's audit chain now (none is made when the newest covers it)")
    CheckpointResponse checkpointNow(@AuthenticationPrincipal Caller caller) {
        return checkpoints.checkpoint(caller.account()).map(CheckpointResponse::of)
                .orElseThrow(() -> new org.openccm.server.error.Conflict("audit", "the account's audit log has no entries to sign yet"));
    }

    @GetMapping("/v1/audit/{entry-id}/receipt")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "A receipt proving one audit entry offline: its hashed text, the texts after it, and the signed checkpoint")
    ReceiptResponse receipt(@AuthenticationPrincipal Caller caller, @PathVariable("entry-id") UUID entryId) {
        AuditCheckpoints.Receipt r = checkpoints.receipt(caller.account(), entryId)
                .orElseThrow(() -> new org.openccm.server.error.NotFound("audit entry", entryId));
        return new ReceiptResponse("openccm-audit-receipt-v1", entryId, r.entries(), CheckpointResponse.of(r.checkpoint()),
                ServerKeys.pem(r.publicKey()), ServerKeys.fingerprint(r.publicKey()));
    }

    private AuditEntryResponse response(AuditEntry e) {
        return new AuditEntryResponse(
                e.seq(),
                e.id(),
                e.at().getEpochSecond(),
                new ActorInfo(e.actorUserId(), e.actorEmail(), e.actorApiKeyId()),
                e.action(),
                e.objectType(),
                e.objectId(),
                readDetails(e.details()),
                e.prevHash(),
                e.hash());
    }

    private JsonNode readDetails(String details) {
        try {
            return json.readTree(details);
        } catch (RuntimeException tampered) {
            // A row edited into invalid JSON must still be listable; verify names it.
            return json.getNodeFactory().stringNode(details);
        }
    }
}
