// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.approval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.server.identity.Caller;
import org.openccm.server.approval.Vote.Decision;
import org.openccm.server.identity.Actor;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.Conflict;
import org.openccm.server.error.EnumNames;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.Forbidden;
import org.openccm.server.error.NotFound;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Opens approval tasks for other features and decides them: a quorum of distinct users with an approving role
 * approves, one denial rejects. Votes on a task are serialized by its row lock, so concurrent votes are each
 * counted once and the task changes state once.
 */
@Service
public class TaskService {
    private final TaskRepository tasks;
    private final ApprovalPolicyService policies;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    TaskService(
            TaskRepository tasks,
            ApprovalPolicyService policies,
            AuditLog audit,
            ApplicationEventPublisher events,
            Clock clock) {
        this.tasks = tasks;
        this.policies = policies;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    /** What a new task is about: the object, and the exact text of the values an approval will vouch for. */
    public record Subject(TaskType type, UUID entityId, UUID appId, UUID groupId, String text, String description) {}

    /** A task with its votes, as the API shows it. */
    public record TaskView(Task task, List<Vote> votes) {
        public long approvals() {
            return votes.stream().filter(v -> v.decision() == Decision.APPROVED).count();
        }
    }

    /** Opens a PENDING task in the caller's transaction, so an object never exists without its task. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Task open(UUID accountId, Actor requester, Subject subject) {
        return open(UUID.randomUUID(), accountId, requester, subject);
    }

    /**
     * {@link #open(UUID, Actor, Subject)} with the task's id chosen by the caller, who can then write the object
     * naming its task first: this writes the audit entry, which holds the account's audit chain until the commit.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Task open(UUID taskId, UUID accountId, Actor requester, Subject subject) {
        Instant now = clock.instant();
        ApprovalPolicy policy = policies.effective(accountId, subject.groupId());
        Task task = new Task(
                taskId,
                accountId,
                subject.type(),
                subject.entityId(),
                subject.appId(),
                subject.groupId(),
                TaskStatus.PENDING,
                subject.text(),
                sha256(subject.text()),
                subject.description(),
                requester.userId(),
                policy.requiredApprovals(),
                policy.separationOfDuties(),
                policy.approverRoles(),
                now,
                now);
        tasks.insert(task);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("task_type", task.type());
        details.put("entity_id", task.entityId());
        details.put("subject_sha256", task.subjectSha256());
        details.put("required_approvals", task.requiredApprovals());
        details.put("separation_of_duties", task.separationOfDuties());
        audit.append(accountId, requester, "task.created", "task", task.id(), details);
        return task;
    }

    /**
     * Records the caller's vote. The same decision twice is counted once (and answered alike, even once the task
     * is decided); a different second decision, or a first vote on a decided task, is a conflict.
     */
    @Transactional
    public TaskView vote(Caller caller, UUID taskId, Decision decision, String comment) {
        UUID account = caller.account();
        FieldRules.required("status", decision);
        FieldRules.text("comment", comment, 2000);
        Task task = tasks.lock(account, taskId).orElseThrow(() -> new NotFound("task", taskId));
        List<Vote> votes = tasks.votes(task.id());
        Optional<Vote> mine = votes.stream().filter(v -> v.userId().equals(caller.userId())).findFirst();
        if (mine.isPresent() && mine.get().decision() == decision) {
            // A retry (a client that timed out, or sent the vote again through another instance) is answered like
            // the first, even when that first vote decided the task.
            return new TaskView(task, votes);
        }
        if (task.status() != TaskStatus.PENDING) {
            throw new Conflict("status", "task " + taskId + " is " + task.status() + " already; it takes no more votes");
        }
        if (!task.approverRoles().contains(caller.role())) {
            throw new Forbidden("the approval policy lets only " + task.approverRoles() + " vote; you are "
                    + caller.role());
        }
        if (decision == Decision.APPROVED && task.separationOfDuties() && caller.userId().equals(task.requesterUserId())) {
            throw new Forbidden("separation of duties: the requester cannot approve their own request");
        }
        if (mine.isPresent()) {
            throw new Conflict("status", "you voted " + mine.get().decision() + " on this task already");
        }
        Instant now = clock.instant();
        Vote vote = new Vote(
                task.id(),
                caller.userId(),
                caller.email(),
                caller.role(),
                caller.apiKeyId(),
                decision,
                comment,
                task.subjectSha256(),
                now);
        tasks.insertVote(vote);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("decision", decision);
        details.put("comment", comment);
        details.put("subject_sha256", task.subjectSha256());
        audit.append(account, caller.actor(), "task.vote", "task", task.id(), details);

        List<Vote> after = tasks.votes(task.id());
        long approvals = after.stream().filter(v -> v.decision() == Decision.APPROVED).count();
        if (decision == Decision.DENIED) {
            task = resolve(task, TaskStatus.DENIED, caller.actor(), now, approvals);
        } else if (approvals >= task.requiredApprovals()) {
            task = resolve(task, TaskStatus.APPROVED, caller.actor(), now, approvals);
        }
        return new TaskView(task, after);
    }

    /**
     * Fortanix's DELETE of a task: the request is withdrawn, which decides it as DENIED (the image is rejected, the
     * domain name not approved) and keeps it on record with who withdrew it. Only the requester or an ADMIN may; a
     * decided task cannot be withdrawn.
     */
    @Transactional
    public TaskView withdraw(Caller caller, UUID taskId) {
        UUID account = caller.account();
        Task task = tasks.lock(account, taskId).orElseThrow(() -> new NotFound("task", taskId));
        if (task.status() != TaskStatus.PENDING) {
            throw new Conflict("task-id", "task " + taskId + " is decided already (" + EnumNames.jsonName(task.status())
                    + "); a decided task stays on record");
        }
        if (!caller.userId().equals(task.requesterUserId()) && caller.role() != org.openccm.server.identity.Role.ADMIN) {
            throw new Forbidden("only the task's requester or an ADMIN may withdraw it");
        }
        Instant now = clock.instant();
        audit.append(account, caller.actor(), "task.withdrawn", "task", task.id(), Map.of("subject_sha256", task.subjectSha256()));
        List<Vote> votes = tasks.votes(task.id());
        long approvals = votes.stream().filter(v -> v.decision() == Decision.APPROVED).count();
        return new TaskView(resolve(task, TaskStatus.DENIED, caller.actor(), now, approvals), votes);
    }

    /** The task with this id, in any account: for Fortanix's token-less status endpoint. */
    public Optional<Task> byId(UUID taskId) {
        return tasks.findById(taskId);
    }

    /** Cancels the pending tasks about an object that is being deleted; they stay on record. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void cancelPending(UUID accountId, UUID entityId, Actor actor) {
        for (Task t : tasks.lockPending(accountId, entityId)) {
            cancel(t, actor);
        }
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void cancel(UUID accountId, UUID taskId, Actor actor) {
        tasks.lock(accountId, taskId).filter(t -> t.status() == TaskStatus.PENDING).ifPresent(t -> cancel(t, actor));
    }

    public TaskView get(UUID accountId, UUID id) {
        Task task = tasks.find(accountId, id).orElseThrow(() -> new NotFound("task", id));
        return new TaskView(task, tasks.votes(id));
    }

    public List<TaskView> search(UUID accountId, TaskRepository.Search search) {
        return tasks.search(accountId, search).stream()
                .map(t -> new TaskView(t, tasks.votes(t.id())))
                .toList();
    }

    public int count(UUID accountId, TaskRepository.Search search) {
        return tasks.count(accountId, search);
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private void cancel(Task t, Actor actor) {
        Instant now = clock.instant();
        tasks.setStatus(t.id(), TaskStatus.CANCELLED, now);
        audit.append(t.accountId(), actor, "task.cancelled", "task", t.id(), Map.of("entity_id", t.entityId()));
    }

    private Task resolve(Task task, TaskStatus outcome, Actor actor, Instant at, long approvals) {
        tasks.setStatus(task.id(), outcome, at);
        Task resolved = task.withStatus(outcome, at);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("outcome", outcome);
        details.put("approvals", approvals);
        details.put("required_approvals", task.requiredApprovals());
        details.put("subject_sha256", task.subjectSha256());
        audit.append(task.accountId(), actor, "task.resolved", "task", task.id(), details);
        events.publishEvent(new TaskResolved(resolved, outcome, actor, at));
        return resolved;
    }
}
