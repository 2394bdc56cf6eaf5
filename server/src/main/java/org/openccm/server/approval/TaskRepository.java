// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
        jdbc.sql("INSERT INTO tasks (id, account_id, task_type, entity_id, app_id, status, subject_sha256, description,"
                        + " requester_user_id, created_at, status_updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
                .params(
                        t.id(),
                        t.accountId(),
                        t.type().name(),
                        t.entityId(),
                        t.appId(),
                        t.status().name(),
                        t.subjectSha256(),
                        t.description(),
                        t.requesterUserId(),
                        Timestamp.from(t.createdAt()),
                        Timestamp.from(t.statusUpdatedAt()))
                .update();
    }

    public Optional<Task> find(UUID accountId, UUID id) {
        return jdbc.sql("SELECT * FROM tasks WHERE account_id = ? AND id = ?")
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

    /** Marks the pending tasks of a deleted object CANCELLED, keeping them on record. */
    public void cancelPending(UUID accountId, UUID entityId, Instant at) {
        jdbc.sql("UPDATE tasks SET status = 'CANCELLED', status_updated_at = ?"
                        + " WHERE account_id = ? AND entity_id = ? AND status = 'PENDING'")
                .params(Timestamp.from(at), accountId, entityId)
                .update();
    }

    private static String filter(Search s) {
        return (s.status() == null ? "" : " AND status = :status")
                + (s.type() == null ? "" : " AND task_type = :type")
                + (s.appId() == null ? "" : " AND app_id = :app");
    }

    private static Map<String, Object> params(UUID accountId, Search s) {
        Map<String, Object> p = new java.util.HashMap<>();
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
                TaskStatus.valueOf(rs.getString("status")),
                rs.getString("subject_sha256"),
                rs.getString("description"),
                rs.getObject("requester_user_id", UUID.class),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("status_updated_at").toInstant());
    }
}
