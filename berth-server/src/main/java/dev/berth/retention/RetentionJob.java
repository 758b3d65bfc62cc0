package dev.berth.retention;

import dev.berth.artifact.ArtifactDeleter;
import dev.berth.artifact.ArtifactInventory;
import dev.berth.event.EventOrigin;
import dev.berth.event.EventPublisher;
import dev.berth.event.EventType;
import dev.berth.iam.ExternalUrl;
import dev.berth.job.Executions;
import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.Schedules;
import dev.berth.policy.ImmutableTagRules;
import dev.berth.registry.ManifestService.PolicyDeletion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The {@code RETENTION} job. A run is an execution (vendor id: the policy) whose first task, the
 * launcher, takes the snapshot (the moment candidates are read at) and queues one task per
 * repository that an enabled rule selects, each carrying the rules as they were then. A repository
 * task reads the artifacts that existed at the snapshot, decides with {@link RetentionEvaluator},
 * and, unless it is a dry run, deletes the rest through {@link ArtifactDeleter} (the artifact API's
 * delete path), which refuses anything pushed or tagged after the snapshot and anything an
 * immutable tag protects. A dry run runs the same code and stops before deleting.
 *
 * <p>Repeatable (at-least-once delivery): a retried launcher finds its tasks queued and stops; a
 * retried repository task decides again from the same snapshot, and what the first attempt
 * deleted is no longer there.
 */
@Component
class RetentionJob implements JobKind {
    static final String NAME = "RETENTION";
    static final EventType TAG_RETENTION = EventType.of("TAG_RETENTION");
    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
    private static final int MAX_EVENT_ARTIFACTS = 1000;
    /**
     * Deletions per transaction: one commit for many, while a batch's row locks (the repository's
     * listing row among them, which a push into that repository updates) are held briefly.
     */
    static final int DELETE_BATCH = 50;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final RetentionRecords records;
    private final ArtifactInventory inventory;
    private final ArtifactDeleter deleter;
    private final ImmutableTagRules immutability;
    private final ObjectProvider<Executions> executions;
    private final ObjectProvider<Schedules> schedules;
    private final EventPublisher events;
    private final ExternalUrl externalUrl;
    private final TransactionTemplate tx;
    private final Clock clock;

    RetentionJob(
            RetentionRecords records,
            ArtifactInventory inventory,
            ArtifactDeleter deleter,
            ImmutableTagRules immutability,
            ObjectProvider<Executions> executions,
            ObjectProvider<Schedules> schedules,
            EventPublisher events,
            ExternalUrl externalUrl,
            TransactionTemplate tx,
            Clock clock) {
        this.records = records;
        this.inventory = inventory;
        this.deleter = deleter;
        this.immutability = immutability;
        this.executions = executions;
        this.schedules = schedules;
        this.events = events;
        this.externalUrl = externalUrl;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(24);
    }

    @Override
    public void run(JobContext context) throws Exception {
        JsonNode p = context.parameters();
        if (p.path("repository").isMissingNode()) {
            launch(context, p.path("policy_id").asLong(), p.path("dry_run").asBoolean(false), operator(p));
        } else {
            retain(context, p);
        }
    }

    private static String operator(JsonNode p) {
        return p.path("operator").asString("");
    }

    private void launch(JobContext context, long policyId, boolean dryRun, String operator) {
        Optional<RetentionPolicy> found = records.find(policyId);
        if (found.isEmpty()) {
            context.log("retention policy " + policyId + " no longer exists; nothing to do");
            schedules.getObject().delete(NAME, policyId);
            return;
        }
        RetentionPolicy policy = found.get();
        long executionId = context.executionId();
        if (records.launched(executionId)) {
            context.log("repository tasks were queued by an earlier attempt");
            return;
        }
        context.checkStop();
        Integer queued = tx.execute(status -> {
            RetentionRecords.Run run = records.run(executionId).orElseGet(() -> snapshot(executionId, policy, dryRun));
            return queueTasks(run, policy, operator);
        });
        if (queued != null && queued == 0) {
            records.run(executionId).ifPresent(r -> r.pullTimes().ifPresent(inventory::releasePullTimes));
        }
        context.log("retention " + (dryRun ? "dry run" : "run") + " of policy " + policy.id() + ": " + queued
                + " repositories selected, one task each");
    }

    /**
     * Records a run's snapshot, in the caller's transaction: its moment (nothing pushed or tagged
     * after it is a candidate) and a copy of the project's pull times at that moment (pulls during
     * the run change nothing), so that runs started at the same moment decide the same.
     */
    RetentionRecords.Run snapshot(long executionId, RetentionPolicy policy, boolean dryRun) {
        Instant now = clock.instant();
        RetentionRecords.Run run = new RetentionRecords.Run(
                executionId,
                policy.id(),
                policy.projectId(),
                dryRun,
                now,
                OptionalLong.of(inventory.freezePullTimes(policy.projectId(), now)));
        records.insertRun(run);
        return run;
    }

    /**
     * Queues one task per repository an enabled rule selects, with the rules that select it; in the
     * caller's transaction (the one that records the run). Returns how many.
     */
    int queueTasks(RetentionRecords.Run run, RetentionPolicy policy, String operator) {
        long executionId = run.executionId();
        executions
                .getObject()
                .recordAttributes(
                        executionId,
                        Map.of(
                                "dry_run",
                                run.dryRun(),
                                "snapshot",
                                run.snapshot().toString()));
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (ArtifactInventory.Repository repo : inventory.repositories(policy.projectId())) {
            List<RetentionRule> rules = policy.rulesFor(pathWithinProject(repo.name()));
            if (rules.isEmpty()) {
                continue;
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("policy_id", policy.id());
            params.put("dry_run", run.dryRun());
            params.put("operator", operator);
            params.put("repository", repo.name());
            params.put("repository_id", repo.id());
            params.put("rules", rules.stream().map(RetentionRule::view).toList());
            tasks.add(params);
        }
        // Two statements for all the tasks, not two per repository.
        executions.getObject().addTasks(executionId, NAME, tasks);
        int queued = records.insertTasks(executionId);
        records.setTaskTotal(executionId, queued);
        return queued;
    }

    private void retain(JobContext context, JsonNode p) {
        long executionId = context.executionId();
        RetentionRecords.Run run = records.run(executionId)
                .orElseThrow(() -> new IllegalStateException("no retention run for execution " + executionId));
        String repository = p.path("repository").asString();
        long repositoryId = p.path("repository_id").asLong();
        String operator = operator(p);
        List<RetentionRule> rules = new ArrayList<>();
        for (JsonNode rule : p.path("rules")) {
            rules.add(RetentionRule.parse(rule, rules.size()));
        }
        if (records.taskDone(context.taskId())) {
            // A redelivery after the task ended: the run's copy of pull times may be gone with it.
            context.log("this repository was done by an earlier attempt");
            return;
        }
        // The log is written in one statement at the end (a run has a task per repository, and a
        // round trip per line was most of a dry run's time); a real run writes its first line at
        // once, so that a task that dies while deleting says what it was doing.
        List<String> lines = new ArrayList<>();
        lines.add("Run retention process. Repository: " + repository + " Rule Algorithm: or Dry Run: " + run.dryRun()
                + " Snapshot: " + run.snapshot());
        if (!run.dryRun()) {
            context.log(lines.removeFirst());
        }
        context.checkStop();
        List<ArtifactInventory.Artifact> artifacts = inventory.artifacts(repositoryId, run.snapshot(), run.pullTimes());
        lines.add("Load " + artifacts.size() + " candidates from repository " + repository);
        Set<Long> kept = RetentionEvaluator.retained(rules, artifacts, run.snapshot());
        Predicate<String> immutable = immutability.immutableTags(run.projectId(), repository);
        // Decide every candidate first; then delete the chosen ones in batches, each batch one
        // transaction through the artifact API's delete path, the stop checked between batches.
        Map<Long, String> marks = new LinkedHashMap<>();
        List<ArtifactInventory.Artifact> chosen = new ArrayList<>();
        for (ArtifactInventory.Artifact a : artifacts) {
            if (kept.contains(a.id())) {
                marks.put(a.id(), "RETAIN");
            } else if (a.tags().stream().anyMatch(immutable)) {
                marks.put(a.id(), "IMMUTABLE");
            } else {
                chosen.add(a);
            }
        }
        List<Map<String, Object>> deleted = new ArrayList<>();
        int gone = 0;
        for (int from = 0; from < chosen.size(); from += DELETE_BATCH) {
            List<ArtifactInventory.Artifact> batch = chosen.subList(from, Math.min(chosen.size(), from + DELETE_BATCH));
            Map<String, PolicyDeletion> results;
            if (run.dryRun()) {
                results = new LinkedHashMap<>();
                batch.forEach(a -> results.put(a.digest(), PolicyDeletion.DELETED));
            } else {
                context.checkStop();
                List<ArtifactDeleter.Chosen> ids = batch.stream()
                        .map(a -> new ArtifactDeleter.Chosen(a.id(), a.digest()))
                        .toList();
                results = new EventOrigin(operator, "")
                        .callAs(() -> deleter.deleteUnchangedSince(
                                operator, run.projectId(), repositoryId, repository, ids, run.snapshot()));
            }
            for (ArtifactInventory.Artifact a : batch) {
                String mark = switch (results.get(a.digest())) {
                    case DELETED -> {
                        deleted.add(deletedArtifact(repository, a));
                        yield "DEL";
                    }
                    case IMMUTABLE -> "IMMUTABLE";
                    case CHANGED -> "RETAIN (changed after the snapshot)";
                    case GONE -> {
                        gone++;
                        yield "GONE (deleted meanwhile)";
                    }
                };
                marks.put(a.id(), mark);
            }
            if (!run.dryRun()) {
                context.progress(Math.min(99, (from + batch.size()) * 100 / chosen.size()));
            }
        }
        List<String> rows = new ArrayList<>();
        for (ArtifactInventory.Artifact a : artifacts) {
            rows.add("| " + a.digest() + " | " + String.join(",", a.tags()) + " | IMAGE | "
                    + String.join(",", a.labels()) + " | " + TIME.format(a.pushed()) + " | "
                    + a.pulled().map(TIME::format).orElse("") + " | " + TIME.format(a.created()) + " | "
                    + marks.get(a.id()) + " |");
        }
        int total = artifacts.size();
        int retained = total - deleted.size() - gone;
        lines.add("| Digest | Tag | Kind | Labels | PushedTime | PulledTime | CreatedTime | Retention |");
        lines.addAll(rows);
        lines.add("total " + total + ", retained " + retained + ", " + (run.dryRun() ? "would delete " : "deleted ")
                + deleted.size());
        context.log(lines);
        tx.executeWithoutResult(status -> {
            boolean complete = records.finishTask(context.taskId(), executionId, total, retained, deleted);
            if (complete) {
                run.pullTimes().ifPresent(inventory::releasePullTimes);
            }
            if (complete && !run.dryRun()) {
                new EventOrigin(operator, "").runAs(() -> publish(run));
            }
        });
        context.progress(100);
    }

    private static Map<String, Object> deletedArtifact(String repository, ArtifactInventory.Artifact a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "IMAGE");
        m.put("status", "SUCCESS");
        m.put(
                "name_tag",
                a.tags().isEmpty()
                        ? repository + "@" + a.digest()
                        : repository + ":" + a.tags().getFirst());
        return m;
    }

    /** The run's one TAG_RETENTION event, in Harbor's webhook shape, when it deleted anything. */
    private void publish(RetentionRecords.Run run) {
        List<RetentionRecords.TaskResult> results = records.results(run.executionId());
        List<Map<String, Object>> deleted = results.stream()
                .flatMap(r -> r.deleted().stream())
                .limit(MAX_EVENT_ARTIFACTS)
                .toList();
        if (deleted.isEmpty()) {
            return;
        }
        Map<String, Object> retention = new LinkedHashMap<>();
        retention.put(
                "total",
                results.stream().mapToInt(RetentionRecords.TaskResult::total).sum());
        retention.put(
                "retained",
                results.stream().mapToInt(RetentionRecords.TaskResult::retained).sum());
        String host = externalUrl.ofServer().replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        retention.put("harbor_hostname", host.split(":")[0]);
        String first = results.getFirst().repository();
        retention.put("project_name", first.substring(0, Math.max(0, first.indexOf('/'))));
        retention.put("retention_policy_id", run.policyId());
        records.find(run.policyId())
                .ifPresent(p -> retention.put(
                        "retention_rule",
                        p.rules().stream()
                                .map(r -> {
                                    Map<String, Object> v = r.view();
                                    Map<String, Object> rule = new LinkedHashMap<>();
                                    rule.put("template", v.get("template"));
                                    rule.put("params", v.get("params"));
                                    rule.put("tag_selectors", v.get("tag_selectors"));
                                    rule.put("scope_selectors", v.get("scope_selectors"));
                                    return rule;
                                })
                                .toList()));
        retention.put("result", "SUCCESS");
        retention.put("deleted_artifact", deleted);
        events.publish(TAG_RETENTION, run.projectId(), Map.of("event_data", Map.of("retention", retention)));
        log.info(
                "event=retention_done execution={} policy={} deleted={}",
                run.executionId(),
                run.policyId(),
                deleted.size());
    }

    /** Harbor matches repository selectors against the name without its project: {@code team/app}. */
    static String pathWithinProject(String repository) {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(slash + 1);
    }
}
