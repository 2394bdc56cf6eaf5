// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.server.identity.Role;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class TaskRepository {
    private final JdbcClient jdbc;

    TaskRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Search(TaskStatus status, TaskType type, UUID appId, int limit, int offset) {}

    public void insert(Task t) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", t.id());
        p.put("account", t.accountId());
        p.put("type", t.type().name());
        p.put("entity", t.entityId());
        p.put("app", t.appId());
        p.put("group", t.groupId());
        p.put("status", t.status().name());
        p.put("subject", t.subject());
        p.put("sha", t.subjectSha256());
        p.put("description", t.description());
        p.put("requester", t.requesterUserId());
        p.put("required", t.requiredApprovals());
        p.put("sod", t.separationOfDuties());
        p.put("roles", new ApprovalPolicy(null, 1, false, t.approverRoles()).rolesText());
        p.put("created", Timestamp.from(t.createdAt()));
        p.put("updated", Timestamp.from(t.statusUpdatedAt()));
        jdbc.sql("INSERT INTO tasks (id, account_id, task_type, entity_id, app_id, group_id, status, subject,"
                        + " subject_sha256, description, requester_user_id, required_approvals, separation_of_duties,"
                        + " approver_roles, created_at, status_updated_at) VALUES (:id, :account, :type, :entity,"
                        + " :app, :group, :status, :subject, :sha, :description, :requester, :required, :sod, :roles,"
                        + " :created, :updated)")
                .params(p)
                .update();
    }

    public Optional<Task> find(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM tasks WHERE account_id = ? AND id = ?")
                .params(accountId, id)
                .query(TaskRepository::task)
                .optional();
    }

    /** A task by its id alone, in whichever account (its unguessable id is what Fortanix's status endpoint takes). */
    public Optional<Task> findById(UUID id) {
        return jdbc.sql("SELECT * FROM tasks WHERE id = ?").params(id).query(TaskRepository::task).optional();
    }

    /** Reads the task and holds its row lock until the transaction ends: votes on one task are serialized. */
    public Optional<Task> lock(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM tasks WHERE account_id = ? AND id = ? FOR UPDATE")
                .params(accountId, id)
                .query(TaskRepository::task)
                .optional();
    }

    public List<Task> search(UUID accountId, Search s) {
        return jdbc.sql("SELECT * FROM tasks WHERE account_id = :account" + filter(s)
                        + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                .params(params(accountId, s))
                .query(TaskRepository::task)
                .list();
    }

    public int count(UUID accountId, Search s) {
        return jdbc.sql("SELECT count(*) FROM tasks WHERE account_id = :account" + filter(s))
                .params(params(accountId, s))
                .query(Integer.class)
                .single();
    }

    public void setStatus(UUID id, TaskStatus status, Instant at) {
        jdbc.sql("UPDATE tasks SET status = ?, status_updated_at = ? WHERE id = ?")
                .params(status.name(), Timestamp.from(at), id)
                .update();
    }

    /** The PENDING tasks about an object, locked; used to cancel them when the object goes away. */
    public List<Task> lockPending(UUID accountId, UUID entityId) {
        return jdbc.sql("SELECT * FROM tasks WHERE account_id = ? AND entity_id = ? AND status = 'PENDING' FOR UPDATE")
                .params(accountId, entityId)
                .query(TaskRepository::task)
                .list();
    }

    public void insertVote(Vote v) {
        jdbc.sql("INSERT INTO task_votes (task_id, user_id, user_email, role, api_key_id, decision, comment,"
                        + " subject_sha256, created_at) VALUES (?,?,?,?,?,?,?,?,?)")
                .params(
                        v.taskId(),
                        v.userId(),
                        v.userEmail(),
                        v.role().name(),
                        v.apiKeyId(),
                        v.decision().name(),
                        v.comment(),
                        v.subjectSha256(),
                        Timestamp.from(v.at()))
                .update();
    }

    public List<Vote> votes(UUID taskId) {
        return jdbc.sql("SELECT * FROM task_votes WHERE task_id = ? ORDER BY created_at, user_email")
                .param(taskId)
                .query((rs, n) -> new Vote(
                        rs.getObject("task_id", UUID.class),
                        rs.getObject("user_id", UUID.class),
                        rs.getString("user_email"),
                        Role.valueOf(rs.getString("role")),
                        rs.getObject("api_key_id", UUID.class),
                        Vote.Decision.valueOf(rs.getString("decision")),
                        rs.getString("comment"),
                        rs.getString("subject_sha256"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    private static String filter(Search s) {
        return (s.status() == null ? "" : " AND status = :status")
                + (s.type() == null ? "" : " AND task_type = :type")
                + (s.appId() == null ? "" : " AND app_id = :app");
    }

    private static Map<String, Object> params(UUID accountId, Search s) {
        Map<String, Object> p = new HashMap<>();
        p.put("account", accountId);
        p.put("status", s.status() == null ? null : s.status().name());
        p.put("type", s.type() == null ? null : s.type().name());
        p.put("app", s.appId());
        p.put("limit", s.limit());
        p.put("offset", s.offset());
        return p;
    }

    private static Task task(ResultSet rs, int row) throws SQLException {
        return new Task(
                rs.getObject("id", UUID.class),
                rs.getObject("account_id", UUID.class),
                TaskType.valueOf(rs.getString("task_type")),
                rs.getObject("entity_id", UUID.class),
                rs.getObject("app_id", UUID.class),
                rs.getObject("group_id", UUID.class),
                TaskStatus.valueOf(rs.getString("status")),
                rs.getString("subject"),
                rs.getString("subject_sha256"),
                rs.getString("description"),
                rs.getObject("requester_user_id", UUID.class),
                rs.getInt("required_approvals"),
                rs.getBoolean("separation_of_duties"),
                ApprovalPolicy.parseRoles(rs.getString("approver_roles")),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("status_updated_at").toInstant());
    }
}
