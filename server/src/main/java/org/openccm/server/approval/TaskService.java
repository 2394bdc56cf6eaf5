// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.openccm.server.error.NotFound;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Opens approval tasks for other features and answers questions about them. */
@Service
public class TaskService {
    private final TaskRepository tasks;

    TaskService(TaskRepository tasks) {
        this.tasks = tasks;
    }

    /** Opens a PENDING task in the caller's transaction, so an object never exists without its task. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Task open(
            UUID accountId,
            TaskType type,
            UUID entityId,
            UUID appId,
            String subjectSha256,
            String description,
            UUID requester,
            Instant at) {
        Task task = new Task(
                UUID.randomUUID(),
                accountId,
                type,
                entityId,
                appId,
                TaskStatus.PENDING,
                subjectSha256,
                description,
                requester,
                at,
                at);
        tasks.insert(task);
        return task;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void cancelPending(UUID accountId, UUID entityId, Instant at) {
        tasks.cancelPending(accountId, entityId, at);
    }

    public Task get(UUID accountId, UUID id) {
        return tasks.find(accountId, id).orElseThrow(() -> new NotFound("task", id));
    }

    public List<Task> search(UUID accountId, TaskRepository.Search search) {
        return tasks.search(accountId, search);
    }

    public int count(UUID accountId, TaskRepository.Search search) {
        return tasks.count(accountId, search);
    }
}
