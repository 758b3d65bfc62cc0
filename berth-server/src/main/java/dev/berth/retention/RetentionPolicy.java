package dev.berth.retention;

import dev.berth.api.ApiException;
import dev.berth.job.ScheduleSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A project's retention policy, Harbor's {@code RetentionPolicy}: up to 15 rules combined with
 * {@code or} (an artifact is kept if any enabled rule keeps it), and a trigger whose cron, when
 * set, runs the policy on a schedule.
 *
 * @param cron the schedule's 6-field cron (seconds first), empty for none
 */
record RetentionPolicy(long id, long projectId, List<RetentionRule> rules, String cron) {
    static final int MAX_RULES = 15;
    static final String ALGORITHM = "or";

    /** Harbor's JSON. */
    Map<String, Object> view() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("algorithm", ALGORITHM);
        v.put("rules", rules.stream().map(RetentionRule::view).toList());
        Map<String, Object> trigger = new LinkedHashMap<>();
        trigger.put("kind", "Schedule");
        trigger.put("settings", Map.of("cron", cron));
        trigger.put("references", Map.of());
        v.put("trigger", trigger);
        v.put("scope", Map.of("level", "project", "ref", projectId));
        return v;
    }

    /** The enabled rules that apply to a repository (its path within the project). */
    List<RetentionRule> rulesFor(String repositoryPath) {
        return rules.stream()
                .filter(r -> !r.disabled() && r.selectsRepository(repositoryPath))
                .toList();
    }

    /** What a create or update request asks for. */
    record Request(long projectId, List<RetentionRule> rules, String cron) {}

    /** Reads and checks a request body; 400 with the reason, 409 for two identical rules. */
    static Request parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("request body must be a retention policy object");
        }
        JsonNode algorithm = body.path("algorithm");
        if (!algorithm.isMissingNode() && !algorithm.isNull() && !ALGORITHM.equals(algorithm.asString())) {
            throw ApiException.badRequest("algorithm must be or");
        }
        JsonNode scope = body.path("scope");
        if (!scope.isObject()) {
            throw ApiException.badRequest("scope is required: {\"level\": \"project\", \"ref\": <project id>}");
        }
        if (!"project".equals(scope.path("level").asString(""))) {
            throw ApiException.badRequest(
                    "scope " + RetentionRule.abbreviate(scope.path("level").asString(""))
                            + " is not supported; only project is");
        }
        JsonNode ref = scope.path("ref");
        if (!ref.isIntegralNumber() || ref.asLong() <= 0) {
            throw ApiException.badRequest("invalid Project id " + RetentionRule.abbreviate(ref.toString()));
        }
        JsonNode rulesNode = body.path("rules");
        List<RetentionRule> rules = new ArrayList<>();
        if (!rulesNode.isMissingNode() && !rulesNode.isNull()) {
            if (!rulesNode.isArray()) {
                throw ApiException.badRequest("rules must be a list");
            }
            if (rulesNode.size() > MAX_RULES) {
                throw ApiException.badRequest("only " + MAX_RULES + " rules are allowed at most");
            }
            for (JsonNode rule : rulesNode) {
                rules.add(RetentionRule.parse(rule, rules.size()));
            }
        }
        Map<Object, Integer> seen = new HashMap<>();
        for (RetentionRule rule : rules) {
            Integer earlier = seen.putIfAbsent(rule.identity(), rule.id());
            if (earlier != null) {
                throw ApiException.conflict("rule " + rule.id() + " is conflict with rule " + earlier);
            }
        }
        return new Request(ref.asLong(), List.copyOf(rules), cron(body.path("trigger")));
    }

    private static String cron(JsonNode trigger) {
        if (trigger.isMissingNode() || trigger.isNull()) {
            return "";
        }
        if (!trigger.isObject()) {
            throw ApiException.badRequest("trigger must be an object");
        }
        String kind = trigger.path("kind").asString("Schedule");
        if (!kind.equals("Schedule")) {
            throw ApiException.badRequest("trigger kind must be Schedule");
        }
        JsonNode cron = trigger.path("settings").path("cron");
        if (cron.isMissingNode() || cron.isNull() || cron.asString("").isBlank()) {
            return "";
        }
        if (!cron.isString()) {
            throw ApiException.badRequest("trigger.settings.cron must be a string");
        }
        try {
            return new ScheduleSpec("Custom", cron.asString()).cron();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("trigger.settings.cron: " + e.getMessage());
        }
    }
}
