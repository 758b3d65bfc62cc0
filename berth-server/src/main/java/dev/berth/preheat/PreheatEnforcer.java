package dev.berth.preheat;

import dev.berth.artifact.ArtifactInventory;
import dev.berth.job.Executions;
import dev.berth.job.Trigger;
import dev.berth.project.Project;
import dev.berth.scan.StoredSeverity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a policy into work, as Harbor's enforcer does: the candidates (one per tag of each top-level
 * artifact of the project, or of the pushed artifact for an event), the policy's filters over them,
 * and one {@code P2P_PREHEAT} execution with one task per candidate left (none: the execution ends
 * at once, "no artifacts to preheat"). Tasks carry what to preheat, never credentials: the pull
 * token and the provider's auth are made when the task runs.
 */
@Component
class PreheatEnforcer {
    static final String VENDOR_TYPE = PreheatJob.NAME;

    private final ArtifactInventory inventory;
    private final StoredSeverity severities;
    private final ObjectProvider<Executions> executions;
    private final JsonMapper json;
    private final Clock clock;

    PreheatEnforcer(
            ArtifactInventory inventory,
            StoredSeverity severities,
            ObjectProvider<Executions> executions,
            JsonMapper json,
            Clock clock) {
        this.inventory = inventory;
        this.severities = severities;
        this.executions = executions;
        this.json = json;
        this.clock = clock;
    }

    /** Every tag of every top-level artifact of the project that the filters select. */
    List<Candidate> candidates(Project project, PolicyFilters filters) {
        String projectName = project.name();
        List<Candidate> out = new ArrayList<>();
        for (ArtifactInventory.Repository repo : inventory.repositories(project.id())) {
            for (ArtifactInventory.Artifact a : inventory.artifacts(repo.id(), clock.instant(), OptionalLong.empty())) {
                if (a.tags().isEmpty()) {
                    continue;
                }
                boolean signed = filters.types().contains("signature") && inventory.signed(repo.id(), a.digest());
                int severity = severity(project, a.id(), filters);
                for (String tag : a.tags()) {
                    Candidate c = new Candidate(
                            projectName,
                            repo.name().substring(projectName.length() + 1),
                            tag,
                            a.digest(),
                            a.labels(),
                            signed,
                            severity);
                    if (filters.matches(c)) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    /** The tags a push set on one artifact that the filters select. */
    List<Candidate> pushed(
            Project project, String repository, String digest, List<String> tags, PolicyFilters filters) {
        String projectName = project.name();
        Optional<ArtifactInventory.Repository> repo = inventory.repository(project.id(), repository);
        if (repo.isEmpty() || tags.isEmpty()) {
            return List.of();
        }
        Optional<ArtifactInventory.Artifact> artifact =
                inventory.artifacts(repo.get().id(), clock.instant(), OptionalLong.empty()).stream()
                        .filter(a -> a.digest().equals(digest))
                        .findFirst();
        List<String> labels = artifact.map(ArtifactInventory.Artifact::labels).orElse(List.of());
        int severity = artifact.map(a -> severity(project, a.id(), filters)).orElse(StoredSeverity.NOT_SCANNED);
        boolean signed = filters.types().contains("signature")
                && inventory.signed(repo.get().id(), digest);
        List<Candidate> out = new ArrayList<>();
        for (String tag : tags) {
            Candidate c = new Candidate(
                    projectName, repository.substring(projectName.length() + 1), tag, digest, labels, signed, severity);
            if (filters.matches(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Read only when the filters ask for it: most policies have no vulnerability filter. */
    private int severity(Project project, long manifestId, PolicyFilters filters) {
        return filters.types().contains("vulnerability")
                ? severities.code(project, manifestId)
                : StoredSeverity.NOT_SCANNED;
    }

    /**
     * Creates the execution and its tasks; call it inside a transaction so both commit together.
     *
     * @return the execution's id
     */
    long launch(PreheatPolicy policy, PolicyTrigger trigger, Trigger cause, List<Candidate> candidates) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("totalCount", candidates.size());
        attrs.put("trigger", trigger.type());
        attrs.put("triggerSetting", trigger.setting());
        Executions jobs = executions.getObject();
        long executionId = jobs.create(VENDOR_TYPE, policy.id(), cause, attrs);
        if (candidates.isEmpty()) {
            jobs.markDone(executionId, "no artifacts to preheat");
            return executionId;
        }
        Map<String, Object> extra = extraAttrs(policy);
        for (Candidate c : candidates) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("policy_id", policy.id());
            params.put("project_id", policy.projectId());
            params.put("instance_id", policy.providerId());
            params.put("repository", c.fullRepository());
            params.put("tag", c.tag());
            params.put("digest", c.digest());
            params.put("kind", "image");
            params.put("extra_attrs", extra);
            jobs.addTask(executionId, PreheatJob.NAME, params);
        }
        return executionId;
    }

    /** The policy's extra attributes as an object (empty when none or not an object). */
    Map<String, Object> extraAttrs(PreheatPolicy policy) {
        if (policy.extraAttrs() == null || policy.extraAttrs().isBlank()) {
            return Map.of();
        }
        try {
            Object parsed = json.readValue(policy.extraAttrs(), Object.class);
            if (parsed instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), v));
                return out;
            }
        } catch (RuntimeException e) {
            // checked when saved; an unreadable value preheats without extras
        }
        return Map.of();
    }
}
