// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.openccm.server.identity.Caller;
import org.openccm.server.identity.Role;
import org.openccm.server.account.Roles;
import org.openccm.server.approval.ApprovalPolicy;
import org.openccm.server.approval.ApprovalPolicyService;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The quorum and separation of duties that new tasks follow; a task keeps the policy it was opened under. */
@RestController
@Tag(name = "Approval policy")
class ApprovalPolicyController {
    private final ApprovalPolicyService policies;

    ApprovalPolicyController(ApprovalPolicyService policies) {
        this.policies = policies;
    }

    record PolicyRequest(Integer requiredApprovals, Boolean separationOfDuties, List<Role> approverRoles) {}

    record PolicyResponse(UUID groupId, int requiredApprovals, boolean separationOfDuties, List<String> approverRoles) {
        static PolicyResponse of(ApprovalPolicy p) {
            return new PolicyResponse(
                    p.groupId(),
                    p.requiredApprovals(),
                    p.separationOfDuties(),
                    p.approverRoles().stream().map(Enum::name).sorted().toList());
        }
    }

    record PolicyListResponse(PolicyResponse account, List<PolicyResponse> groups) {}

    @GetMapping("/v1/approval_policy")
    @PreAuthorize(Roles.READ)
    PolicyListResponse get(@AuthenticationPrincipal Caller caller) {
        UUID account = caller.account();
        return new PolicyListResponse(
                PolicyResponse.of(policies.account(account)),
                policies.groupOverrides(account).stream().map(PolicyResponse::of).toList());
    }

    @PutMapping("/v1/approval_policy")
    @PreAuthorize(Roles.ADMIN)
    @Operation(summary = "Set the account's approval policy (default: 1 approval by an ADMIN or EDITOR)")
    PolicyResponse set(@AuthenticationPrincipal Caller caller, @RequestBody PolicyRequest request) {
        return PolicyResponse.of(policies.set(
                caller, null, request.requiredApprovals(), request.separationOfDuties(), request.approverRoles()));
    }

    @GetMapping("/v1/approval_policy/groups/{group-id}")
    @PreAuthorize(Roles.READ)
    PolicyResponse getGroup(@AuthenticationPrincipal Caller caller, @PathVariable("group-id") UUID group) {
        return PolicyResponse.of(policies.group(caller.account(), group));
    }

    @PutMapping("/v1/approval_policy/groups/{group-id}")
    @PreAuthorize(Roles.ADMIN)
    @Operation(summary = "Override the approval policy for the apps and images of one group")
    PolicyResponse setGroup(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("group-id") UUID group,
            @RequestBody PolicyRequest request) {
        return PolicyResponse.of(policies.set(
                caller, group, request.requiredApprovals(), request.separationOfDuties(), request.approverRoles()));
    }

    @DeleteMapping("/v1/approval_policy/groups/{group-id}")
    @PreAuthorize(Roles.ADMIN)
    ResponseEntity<Void> removeGroup(@AuthenticationPrincipal Caller caller, @PathVariable("group-id") UUID group) {
        policies.removeGroup(caller, group);
        return ResponseEntity.noContent().build();
    }
}
