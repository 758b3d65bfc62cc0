package dev.berth.retention;

import dev.berth.api.ApiException;
import dev.berth.job.Executions;
import dev.berth.job.ScheduleSpec;
import dev.berth.job.Schedules;
import dev.berth.job.Trigger;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Retention policies: one per project, its id kept in the project's {@code retention_id}
 * metadata, its schedule with the job service; and starting runs.
 */
@Service
class RetentionPolicies {
    private final RetentionRecords records;
    private final ProjectService projects;
    private final Schedules schedules;
    private final Executions executions;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final RetentionJob job;

    RetentionPolicies(
            RetentionJob job,
            RetentionRecords records,
            ProjectService projects,
            Schedules schedules,
            Executions executions,
            TransactionTemplate tx,
            Clock clock) {
        this.job = job;
        this.records = records;
        this.projects = projects;
        this.schedules = schedules;
        this.executions = executions;
        this.tx = tx;
        this.clock = clock;
    }

    Optional<RetentionPolicy> find(long id) {
        return records.find(id);
    }

    /** Creates the project's policy; 400 if it has one already. */
    long create(Project project, RetentionPolicy.Request request) {
        Long id = tx.execute(status -> {
            Optional<Long> existing = records.idOfProject(project.id());
            if (existing.isPresent() || project.metadata().containsKey("retention_id")) {
                throw ApiException.badRequest("project " + project.id() + " already has retention policy "
                        + existing.map(String::valueOf)
                                .orElse(project.metadata().get("retention_id")));
            }
            long created = records.insert(request, clock.instant());
            projects.addMetadata(project, "retention_id", Long.toString(created));
            schedule(created, request.cron());
            return created;
        });
        return id;
    }

    void update(RetentionPolicy policy, RetentionPolicy.Request request) {
        tx.executeWithoutResult(status -> {
            records.update(policy.id(), request, clock.instant());
            schedule(policy.id(), request.cron());
        });
    }

    void delete(RetentionPolicy policy, Project project) {
        tx.executeWithoutResult(status -> {
            records.delete(policy.id());
            projects.deleteMetadata(project, "retention_id");
            schedules.delete(RetentionJob.NAME, policy.id());
        });
    }

    /**
     * Starts a run now, in one transaction: the execution, its snapshot (this moment: nothing
     * pushed or tagged after it is deleted by the run) and one task per selected repository. With
     * no repository selected, a single launcher task ends the run.
     */
    long start(RetentionPolicy policy, boolean dryRun, String operator) {
        Long id = tx.execute(status -> {
            long executionId = executions.create(
                    RetentionJob.NAME, policy.id(), Trigger.MANUAL, Map.of("dry_run", dryRun, "operator", operator));
            RetentionRecords.Run run = job.snapshot(executionId, policy, dryRun);
            if (job.queueTasks(run, policy, operator) == 0) {
                executions.addTask(
                        executionId,
                        RetentionJob.NAME,
                        Map.of("policy_id", policy.id(), "dry_run", dryRun, "operator", operator));
            }
            return executionId;
        });
        return id;
    }

    private void schedule(long policyId, String cron) {
        if (cron.isEmpty()) {
            schedules.delete(RetentionJob.NAME, policyId);
        } else {
            schedules.set(
                    RetentionJob.NAME,
                    policyId,
                    new ScheduleSpec("Custom", cron),
                    Map.of("policy_id", policyId, "dry_run", false, "operator", "Retention Schedule"));
        }
    }
}
