// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openccm.server.identity.Caller;
import org.openccm.server.identity.Role;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.openccm.server.error.NotFound;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads and changes the approval policy of an account and its group overrides. */
@Service
public class ApprovalPolicyService {
    private static final UUID ACCOUNT_SCOPE = new UUID(0, 0);
    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;

    ApprovalPolicyService(JdbcClient jdbc, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    /** The policy a new task of this group gets: the group's override, else the account's, else CCM's default. */
    public ApprovalPolicy effective(UUID accountId, UUID groupId) {
        Optional<ApprovalPolicy> group = groupId == null ? Optional.empty() : find(accountId, groupId);
        return group.or(() -> find(accountId, null)).orElse(ApprovalPolicy.DEFAULT);
    }

    public ApprovalPolicy account(UUID accountId) {
        return find(accountId, null).orElse(ApprovalPolicy.DEFAULT);
    }

    public List<ApprovalPolicy> groupOverrides(UUID accountId) {
        return jdbc.sql("SELECT * FROM approval_policies WHERE account_id = ? AND group_id IS NOT NULL ORDER BY group_id")
                .param(accountId)
                .query((rs, n) -> policy(rs))
                .list();
    }

    public ApprovalPolicy group(UUID accountId, UUID groupId) {
        return find(accountId, groupId).orElseThrow(() -> new NotFound("approval policy of group", groupId));
    }

    @Transactional
    public ApprovalPolicy set(Caller caller, UUID groupId, Integer requiredApprovals, Boolean separation, List<Role> roles) {
        UUID account = caller.account();
        int required = FieldRules.range(
                "required_approvals",
                FieldRules.required("required_approvals", requiredApprovals),
                1,
                ApprovalPolicy.MAX_REQUIRED_APPROVALS);
        Set<Role> approverRoles = roles == null ? ApprovalPolicy.DEFAULT.approverRoles() : Set.copyOf(roles);
        if (approverRoles.isEmpty() || approverRoles.contains(Role.VIEWER)) {
            throw new InvalidField("approver_roles", "one or both of ADMIN and EDITOR; viewers never approve");
        }
        ApprovalPolicy policy =
                new ApprovalPolicy(groupId, required, separation != null && separation, approverRoles);
        jdbc.sql("DELETE FROM approval_policies WHERE account_id = ? AND coalesce(group_id, ?) = ?")
                .params(account, ACCOUNT_SCOPE, groupId == null ? ACCOUNT_SCOPE : groupId)
                .update();
        jdbc.sql("INSERT INTO approval_policies (account_id, group_id, required_approvals, separation_of_duties,"
                        + " approver_roles, updated_at) VALUES (?,?,?,?,?,?)")
                .params(
                        account,
                        groupId,
                        policy.requiredApprovals(),
                        policy.separationOfDuties(),
                        policy.rolesText(),
                        Timestamp.from(clock.instant()))
                .update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("group_id", groupId);
        details.put("required_approvals", policy.requiredApprovals());
        details.put("separation_of_duties", policy.separationOfDuties());
        details.put("approver_roles", policy.rolesText());
        audit.append(account, caller.actor(), "approval_policy.updated", "approval_policy", groupId, details);
        return policy;
    }

    @Transactional
    public void removeGroup(Caller caller, UUID groupId) {
        UUID account = caller.account();
        if (jdbc.sql("DELETE FROM approval_policies WHERE account_id = ? AND group_id = ?")
                        .params(account, groupId)
                        .update()
                == 0) {
            throw new NotFound("approval policy of group", groupId);
        }
        audit.append(account, caller.actor(), "approval_policy.removed", "approval_policy", groupId, Map.of());
    }

    private Optional<ApprovalPolicy> find(UUID accountId, UUID groupId) {
        return jdbc.sql("SELECT * FROM approval_policies WHERE account_id = ? AND coalesce(group_id, ?) = ?")
                .params(accountId, ACCOUNT_SCOPE, groupId == null ? ACCOUNT_SCOPE : groupId)
                .query((rs, n) -> policy(rs))
                .optional();
    }

    private static ApprovalPolicy policy(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ApprovalPolicy(
                rs.getObject("group_id", UUID.class),
                rs.getInt("required_approvals"),
                rs.getBoolean("separation_of_duties"),
                ApprovalPolicy.parseRoles(rs.getString("approver_roles")));
    }
}
