package dev.berth.retention;

import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import dev.berth.project.ProxyProjectDefaults;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's default retention for a proxy-cache project: at creation, a policy that retains the
 * artifacts pulled within the last 7 days (every repository, every tag) and runs daily at
 * midnight, so a cache of a public registry does not grow without end. Like any policy, its
 * administrators may edit or delete it.
 */
@Component
class ProxyCacheRetention implements ProxyProjectDefaults {
    /** Harbor's {@code defaultDaysToRetentionForProxyCacheProject}. */
    static final int DAYS = 7;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RetentionPolicies policies;
    private final ProjectService projects;

    ProxyCacheRetention(RetentionPolicies policies, ProjectService projects) {
        this.policies = policies;
        this.projects = projects;
    }

    @Override
    public void created(Project project) {
        // The project as stored now: create() refuses one that already names a policy.
        Project current = projects.findById(project.id()).orElse(project);
        policies.create(current, RetentionPolicy.parse(policy(project.id())));
    }

    static JsonNode policy(long projectId) {
        return JSON.readTree("""
                {"algorithm": "or",
                 "rules": [{"id": 1, "priority": 1, "action": "retain", "template": "nDaysSinceLastPull",
                            "params": {"nDaysSinceLastPull": %d},
                            "tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": "**"}],
                            "scope_selectors": {"repository": [
                                {"kind": "doublestar", "decoration": "repoMatches", "pattern": "**"}]}}],
                 "trigger": {"kind": "Schedule", "settings": {"cron": "0 0 0 * * *"}},
                 "scope": {"level": "project", "ref": %d}}
                """.formatted(DAYS, projectId));
    }
}
