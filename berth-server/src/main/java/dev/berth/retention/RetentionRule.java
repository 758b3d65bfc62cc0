package dev.berth.retention;

import dev.berth.api.ApiException;
import dev.berth.artifact.ArtifactInventory;
import dev.berth.policy.DoublestarPattern;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One rule of a retention policy, Harbor's {@code RetentionRule}: the artifacts its tag selectors
 * select in the repositories its scope selectors select, and of those the ones its template keeps.
 *
 * @param param the template's number (count or days); 0 for {@code always}
 */
record RetentionRule(
        int id,
        int priority,
        boolean disabled,
        Template template,
        int param,
        List<Selector> tagSelectors,
        List<Selector> repositorySelectors) {

    static final String ACTION = "retain";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Harbor refuses parameters from {@code math.MaxInt16} up. */
    static final int MAX_PARAM = Short.MAX_VALUE - 1;

    /** Harbor's rule templates, with their parameter's unit. */
    enum Template {
        LATEST_PUSHED_K("latestPushedK", "the most recently pushed # artifacts", "COUNT"),
        LATEST_PULLED_N("latestPulledN", "the most recently pulled # artifacts", "COUNT"),
        N_DAYS_SINCE_LAST_PUSH("nDaysSinceLastPush", "pushed within the last # days", "DAYS"),
        N_DAYS_SINCE_LAST_PULL("nDaysSinceLastPull", "pulled within the last # days", "DAYS"),
        ALWAYS("always", "always", "");

        final String wire;
        final String displayText;
        final String unit;

        Template(String wire, String displayText, String unit) {
            this.wire = wire;
            this.displayText = displayText;
            this.unit = unit;
        }

        boolean hasParam() {
            return !unit.isEmpty();
        }

        static Template of(String wire) {
            return Arrays.stream(values())
                    .filter(t -> t.wire.equals(wire))
                    .findFirst()
                    .orElseThrow(() -> ApiException.badRequest("unknown rule template " + abbreviate(wire)
                            + "; one of latestPushedK, latestPulledN, nDaysSinceLastPush, nDaysSinceLastPull, always"));
        }
    }

    /**
     * A selector: {@code doublestar} with {@code matches}/{@code excludes} (tags) or {@code
     * repoMatches}/{@code repoExcludes} (repositories), or {@code label} with {@code
     * withLabels}/{@code withoutLabels} and a comma-separated list of label names.
     *
     * @param extras Harbor's JSON string, {@code {"untagged":true}}: whether untagged artifacts are
     *     selected by a doublestar tag selector; empty when not sent
     */
    record Selector(
            String kind, String decoration, String pattern, String extras, Optional<DoublestarPattern> compiled) {
        static final String DOUBLESTAR = "doublestar";
        static final String LABEL = "label";

        /** Harbor: untagged artifacts are selected by {@code matches} and not by {@code excludes}, unless extras say. */
        boolean untagged() {
            boolean fallback = !decoration.equals("excludes");
            if (extras.isBlank()) {
                return fallback;
            }
            try {
                JsonNode node = JSON.readTree(extras).path("untagged");
                return node.isBoolean() ? node.asBoolean() : false;
            } catch (RuntimeException e) {
                return fallback;
            }
        }

        /** Whether the selector selects the artifact (tag and label selectors). */
        boolean selects(ArtifactInventory.Artifact a, boolean untagged) {
            if (kind.equals(LABEL)) {
                List<String> wanted = pattern.isEmpty() ? List.of() : Arrays.asList(pattern.split(","));
                return decoration.equals("withLabels")
                        ? a.labels().containsAll(wanted)
                        : wanted.stream().noneMatch(a.labels()::contains);
            }
            DoublestarPattern p = compiled.orElseThrow();
            if (a.tags().isEmpty()) {
                return untagged;
            }
            return decoration.equals("matches")
                    ? a.tags().stream().anyMatch(p::matches)
                    : a.tags().stream().anyMatch(t -> !p.matches(t));
        }

        /** Whether a repository selector selects the repository's path within its project. */
        boolean selectsRepository(String path) {
            return compiled.orElseThrow().matches(path) != decoration.equals("repoExcludes");
        }

        Map<String, Object> view() {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("kind", kind);
            v.put("decoration", decoration);
            v.put("pattern", pattern);
            v.put("extras", extras);
            return v;
        }

        static Selector parse(JsonNode node, String field, boolean repository) {
            if (!node.isObject()) {
                throw ApiException.badRequest(field + " must hold selector objects");
            }
            String kind = text(node, "kind", field).orElse(DOUBLESTAR);
            String decoration = text(node, "decoration", field)
                    .orElseThrow(() -> ApiException.badRequest(field + ": decoration is required"));
            String pattern = text(node, "pattern", field).orElse("");
            String extras = text(node, "extras", field).orElse("");
            List<String> allowed;
            if (repository) {
                if (!kind.equals(DOUBLESTAR)) {
                    throw ApiException.badRequest(field + ": kind must be doublestar");
                }
                allowed = List.of("repoMatches", "repoExcludes");
            } else if (kind.equals(DOUBLESTAR)) {
                allowed = List.of("matches", "excludes");
            } else if (kind.equals(LABEL)) {
                allowed = List.of("withLabels", "withoutLabels");
            } else {
                throw ApiException.badRequest(field + ": kind must be doublestar or label");
            }
            if (!allowed.contains(decoration)) {
                throw ApiException.badRequest(field + ": decoration must be one of " + String.join(", ", allowed));
            }
            if (!extras.isEmpty()) {
                try {
                    if (!JSON.readTree(extras).isObject()) {
                        throw ApiException.badRequest(field + ": extras must be a JSON object in a string");
                    }
                } catch (ApiException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw ApiException.badRequest(field + ": extras must be a JSON object in a string");
                }
            }
            Optional<DoublestarPattern> compiled = Optional.empty();
            if (kind.equals(DOUBLESTAR)) {
                try {
                    compiled = Optional.of(DoublestarPattern.compile(pattern));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest(field + ": " + e.getMessage());
                }
            } else if (pattern.length() > 1024) {
                throw ApiException.badRequest(field + ": pattern is too long");
            }
            return new Selector(kind, decoration, pattern, extras, compiled);
        }

        private static Optional<String> text(JsonNode node, String name, String field) {
            JsonNode v = node.path(name);
            if (v.isMissingNode() || v.isNull()) {
                return Optional.empty();
            }
            if (!v.isString()) {
                throw ApiException.badRequest(field + ": " + name + " must be a string");
            }
            return Optional.of(v.asString());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Selector s
                    && s.kind.equals(kind)
                    && s.decoration.equals(decoration)
                    && s.pattern.equals(pattern)
                    && s.extras.equals(extras);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(kind, decoration, pattern, extras);
        }
    }

    /** Harbor's {@code RetentionRule} JSON. */
    Map<String, Object> view() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("priority", priority);
        v.put("disabled", disabled);
        v.put("action", ACTION);
        v.put("template", template.wire);
        v.put("params", template.hasParam() ? Map.of(template.wire, param) : Map.of());
        v.put("tag_selectors", tagSelectors.stream().map(Selector::view).toList());
        v.put(
                "scope_selectors",
                Map.of(
                        "repository",
                        repositorySelectors.stream().map(Selector::view).toList()));
        return v;
    }

    /** Whether the rule applies to the repository (its path within the project). */
    boolean selectsRepository(String path) {
        return repositorySelectors.stream().allMatch(s -> s.selectsRepository(path));
    }

    /** Reads one rule of a request body; {@code index} becomes its id, as Harbor numbers them. */
    static RetentionRule parse(JsonNode node, int index) {
        String field = "rules[" + index + "]";
        if (!node.isObject()) {
            throw ApiException.badRequest(field + " must be an object");
        }
        JsonNode priority = node.path("priority");
        if (!priority.isMissingNode() && !priority.isNull() && !priority.isIntegralNumber()) {
            throw ApiException.badRequest(field + ".priority must be an integer");
        }
        JsonNode disabled = node.path("disabled");
        if (!disabled.isMissingNode() && !disabled.isNull() && !disabled.isBoolean()) {
            throw ApiException.badRequest(field + ".disabled must be true or false");
        }
        JsonNode action = node.path("action");
        if (!action.isMissingNode() && !action.isNull() && !ACTION.equals(action.asString())) {
            throw ApiException.badRequest(field + ".action must be retain");
        }
        JsonNode templateNode = node.path("template");
        if (!templateNode.isString()) {
            throw ApiException.badRequest(field + ".template is required");
        }
        Template template = Template.of(templateNode.asString());
        int param = 0;
        if (template.hasParam()) {
            JsonNode value = node.path("params").path(template.wire);
            if (value.isString() && value.asString().matches("-?\\d{1,9}")) {
                value = JSON.getNodeFactory().numberNode(Integer.parseInt(value.asString()));
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw ApiException.badRequest(
                        field + ".params." + template.wire + " is required and must be an integer");
            }
            param = value.asInt();
            if (param < 0 || param > MAX_PARAM) {
                throw ApiException.badRequest(
                        field + ".params." + template.wire + " must be between 0 and " + MAX_PARAM);
            }
        }
        List<Selector> tags = new ArrayList<>();
        JsonNode tagNode = node.path("tag_selectors");
        if (!tagNode.isMissingNode() && !tagNode.isNull()) {
            if (!tagNode.isArray()) {
                throw ApiException.badRequest(field + ".tag_selectors must be a list");
            }
            for (JsonNode s : tagNode) {
                tags.add(Selector.parse(s, field + ".tag_selectors", false));
            }
        }
        List<Selector> repositories = new ArrayList<>();
        JsonNode scopes = node.path("scope_selectors");
        if (!scopes.isMissingNode() && !scopes.isNull()) {
            if (!scopes.isObject()) {
                throw ApiException.badRequest(field + ".scope_selectors must be an object");
            }
            for (Map.Entry<String, JsonNode> e : scopes.properties()) {
                String key = e.getKey();
                if (!key.equals("repository")) {
                    throw ApiException.badRequest(
                            field + ".scope_selectors: unsupported scope " + abbreviate(key) + "; only repository is");
                }
            }
            JsonNode repoNode = scopes.path("repository");
            if (!repoNode.isMissingNode() && !repoNode.isNull()) {
                if (!repoNode.isArray()) {
                    throw ApiException.badRequest(field + ".scope_selectors.repository must be a list");
                }
                for (JsonNode s : repoNode) {
                    repositories.add(Selector.parse(s, field + ".scope_selectors.repository", true));
                }
            }
        }
        if (tags.size() > 10 || repositories.size() > 10) {
            throw ApiException.badRequest(field + " has too many selectors (10 of each at most)");
        }
        return new RetentionRule(
                index,
                priority.asInt(0),
                disabled.asBoolean(false),
                template,
                param,
                List.copyOf(tags),
                List.copyOf(repositories));
    }

    /** The rule without its id, for Harbor's duplicate check. */
    Object identity() {
        return List.of(priority, disabled, template, param, tagSelectors, repositorySelectors);
    }

    static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
