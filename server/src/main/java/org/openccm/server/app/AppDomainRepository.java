// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class AppDomainRepository {
    private final JdbcClient jdbc;

    AppDomainRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(AppDomain d) {
        jdbc.sql("INSERT INTO app_domains (app_id, name, status, task_id, status_updated_at) VALUES (?,?,?,?,?)")
                .params(d.appId(), d.name(), d.status().name(), d.taskId(), Timestamp.from(d.statusUpdatedAt()))
                .update();
    }

    List<AppDomain> of(UUID appId) {
        return jdbc.sql("SELECT * FROM app_domains WHERE app_id = ? ORDER BY name")
                .param(appId)
                .query(AppDomainRepository::domain)
                .list();
    }

    Optional<AppDomain> byTask(UUID taskId) {
        return jdbc.sql("SELECT * FROM app_domains WHERE task_id = ? FOR UPDATE")
                .param(taskId)
                .query(AppDomainRepository::domain)
                .optional();
    }

    private static AppDomain domain(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new AppDomain(
                rs.getObject("app_id", UUID.class),
                rs.getString("name"),
                AppDomain.Status.valueOf(rs.getString("status")),
                rs.getObject("task_id", UUID.class),
                rs.getTimestamp("status_updated_at").toInstant());
    }

    void setStatus(UUID appId, String name, AppDomain.Status status, Instant at) {
        jdbc.sql("UPDATE app_domains SET status = ?, status_updated_at = ? WHERE app_id = ? AND name = ?")
                .params(status.name(), Timestamp.from(at), appId, name)
                .update();
    }

    void delete(UUID appId, String name) {
        jdbc.sql("DELETE FROM app_domains WHERE app_id = ? AND name = ?")
                .params(appId, name)
                .update();
    }
}
