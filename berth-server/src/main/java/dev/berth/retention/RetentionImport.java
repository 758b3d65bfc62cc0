package dev.berth.retention;

import dev.berth.api.ApiException;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Retention policies brought from Harbor, whose {@code retention_policy.data} is the policy as its
 * API has it (algorithm, rules, trigger, scope): read by the same checks as {@code POST
 * /retentions} and created as the API creates them, schedule included, for the project as imported.
 */
@Service
public class RetentionImport {
    private final RetentionPolicies policies;
    private final RetentionRecords records;
    private final ProjectService projects;

    RetentionImport(RetentionPolicies policies, RetentionRecords records, ProjectService projects) {
        this.policies = policies;
        this.records = records;
        this.projects = projects;
    }

    public sealed interface Result {
        /** Created, with its schedule's cron (empty: none). */
        record Created(long id, String cron) implements Result {}

        record Existing(long id) implements Result {}

        record Refused(String reason) implements Result {}
    }

    /** The policy of a project, if it has one. */
    public Optional<Long> existing(long projectId) {
        return records.idOfProject(projectId);
    }

    /**
     * Creates the policy for {@code projectId} (Berth's) unless the project has one.
     *
     * @param harborPolicy Harbor's stored policy; its scope's project reference is Harbor's and is replaced
     */
    public Result create(long projectId, JsonNode harborPolicy) {
        Optional<Long> existing = records.idOfProject(projectId);
        if (existing.isPresent()) {
            return new Result.Existing(existing.get());
        }
        Optional<Project> project = projects.findById(projectId);
        if (project.isEmpty()) {
            return new Result.Refused("project not imported");
        }
        if (!(harborPolicy instanceof ObjectNode stored)) {
            return new Result.Refused("the stored policy is not a JSON object");
        }
        ObjectNode policy = stored.deepCopy();
        policy.putObject("scope").put("level", "project").put("ref", projectId);
        try {
            RetentionPolicy.Request request = RetentionPolicy.parse(policy);
            return new Result.Created(policies.create(project.get(), request), request.cron());
        } catch (ApiException e) {
            return new Result.Refused(e.getMessage());
        }
    }
}
