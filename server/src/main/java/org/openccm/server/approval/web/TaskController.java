// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.openccm.server.identity.Caller;
import org.openccm.server.account.Roles;
import org.openccm.server.approval.Task;
import org.openccm.server.approval.TaskRepository;
import org.openccm.server.approval.TaskService;
import org.openccm.server.approval.TaskService.TaskView;
import org.openccm.server.approval.TaskStatus;
import org.openccm.server.approval.TaskType;
import org.openccm.server.approval.Vote;
import org.openccm.server.error.InvalidField;
import org.openccm.server.web.Page;
import org.openccm.server.web.SearchMetadata;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Tasks")
class TaskController {
    private final TaskService tasks;

    TaskController(TaskService tasks) {
        this.tasks = tasks;
    }

    record TaskStatusInfo(TaskStatus status, long createdAt, long statusUpdatedAt) {
        static TaskStatusInfo of(Task t) {
            return new TaskStatusInfo(t.status(), t.createdAt().getEpochSecond(), t.statusUpdatedAt().getEpochSecond());
        }
    }

    record RequesterInfo(String requesterType, UUID userId) {}

    record ApprovalInfo(UUID userId, String userName, String role, Vote.Decision status, String comment, long votedAt) {}

    record TaskResponse(
            UUID taskId,
            TaskType taskType,
            UUID entityId,
            UUID appId,
            UUID groupId,
            TaskStatusInfo status,
            String description,
            String subject,
            String subjectSha256,
            RequesterInfo requesterInfo,
            int requiredApprovals,
            long approvalCount,
            boolean separationOfDuties,
            List<String> approverRoles,
            List<ApprovalInfo> approvals) {
        static TaskResponse of(TaskView view) {
            Task t = view.task();
            return new TaskResponse(
                    t.id(),
                    t.type(),
                    t.entityId(),
                    t.appId(),
                    t.groupId(),
                    TaskStatusInfo.of(t),
                    t.description(),
                    t.subject(),
                    t.subjectSha256(),
                    new RequesterInfo("USER", t.requesterUserId()),
                    t.requiredApprovals(),
                    view.approvals(),
                    t.separationOfDuties(),
                    t.approverRoles().stream().map(Enum::name).sorted().toList(),
                    view.votes().stream()
                            .map(v -> new ApprovalInfo(
                                    v.userId(),
                                    v.userEmail(),
                                    v.role().name(),
                                    v.decision(),
                                    v.comment(),
                                    v.at().getEpochSecond()))
                            .toList());
        }
    }

    /** CCM's TaskUpdateRequest: status APPROVED or DENIED, with a comment (CCM calls it denial_reason). */
    record TaskUpdateRequest(Vote.Decision status, String comment, String denialReason) {}

    record TaskListResponse(SearchMetadata metadata, List<TaskResponse> items) {}

    @GetMapping("/v1/tasks")
    @PreAuthorize(Roles.READ)
    @Operation(summary = "Approval tasks of the selected account, newest first")
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

    @DeleteMapping("/v1/tasks/{task-id}")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Withdraw a pending task (its requester or an ADMIN): it is decided as DENIED and stays on record")
    ResponseEntity<Void> withdraw(@AuthenticationPrincipal Caller caller, @PathVariable("task-id") UUID id) {
        tasks.withdraw(caller, id);
        return ResponseEntity.noContent().build();
    }

    /** Fortanix's TaskResult: the status of one task, for a client that knows only its id. */
    record TaskResult(UUID taskId, TaskType taskType, TaskStatusInfo taskStatus, UUID buildId) {}

    @GetMapping("/v1/tasks/status/{task-id}")
    @Operation(summary = "A task's type and status by its id alone, without a token as in Fortanix CCM (the id is"
            + " unguessable; nothing else about the task or its account is told)")
    TaskResult status(@PathVariable("task-id") UUID id) {
        Task t = tasks.byId(id).orElseThrow(() -> new org.openccm.server.error.NotFound("task", id));
        return new TaskResult(
                t.id(),
                t.type(),
                TaskStatusInfo.of(t),
                t.type() == TaskType.BUILD_WHITELIST ? t.entityId() : null);
    }

    @PatchMapping("/v1/tasks/{task-id}")
    @PreAuthorize(Roles.WRITE)
    @Operation(summary = "Vote on a task: APPROVED or DENIED, with an optional comment")
    TaskResponse vote(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("task-id") UUID id,
            @RequestBody TaskUpdateRequest request) {
        if (request.comment() != null && request.denialReason() != null) {
            throw new InvalidField("denial_reason", "give comment or denial_reason, not both");
        }
        String comment = request.comment() != null ? request.comment() : request.denialReason();
        return TaskResponse.of(tasks.vote(caller, id, request.status(), comment));
    }
}
