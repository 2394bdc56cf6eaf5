// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.openccm.server.account.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.approval.Task;
import org.openccm.server.approval.TaskRepository;
import org.openccm.server.approval.TaskService;
import org.openccm.server.approval.TaskStatus;
import org.openccm.server.approval.TaskType;
import org.openccm.server.web.Page;
import org.openccm.server.web.SearchMetadata;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Tasks")
class TaskController {
    private final TaskService tasks;

    TaskController(TaskService tasks) {
        this.tasks = tasks;
    }

    record TaskStatusInfo(TaskStatus status, long createdAt, long statusUpdatedAt) {}

    record RequesterInfo(String requesterType, UUID userId) {}

    record TaskResponse(
            UUID taskId,
            TaskType taskType,
            UUID entityId,
            UUID appId,
            TaskStatusInfo status,
            String description,
            String subjectSha256,
            RequesterInfo requesterInfo,
            List<Object> approvals) {
        static TaskResponse of(Task t) {
            return new TaskResponse(
                    t.id(),
                    t.type(),
                    t.entityId(),
                    t.appId(),
                    new TaskStatusInfo(t.status(), t.createdAt().getEpochSecond(), t.statusUpdatedAt().getEpochSecond()),
                    t.description(),
                    t.subjectSha256(),
                    new RequesterInfo("USER", t.requesterUserId()),
                    List.of());
        }
    }

    record TaskListResponse(SearchMetadata metadata, List<TaskResponse> items) {}

    @GetMapping("/v1/tasks")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Approval tasks of the selected account")
    TaskListResponse list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) TaskStatus status,
            @RequestParam(name = "task_type", required = false) TaskType type,
            @RequestParam(name = "app_id", required = false) UUID appId,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Integer offset) {
        Page page = Page.of(limit, offset);
        UUID account = caller.account();
        var search = new TaskRepository.Search(status, type, appId, page.limit(), page.offset());
        int total = tasks.count(account, new TaskRepository.Search(null, null, null, 1, 0));
        return new TaskListResponse(
                page.metadata(total, tasks.count(account, search)),
                tasks.search(account, search).stream().map(TaskResponse::of).toList());
    }

    @GetMapping("/v1/tasks/{task-id}")
    @PreAuthorize(Roles.READ)
    TaskResponse get(@AuthenticationPrincipal Caller caller, @PathVariable("task-id") UUID id) {
        return TaskResponse.of(tasks.get(caller.account(), id));
    }
}
