package dev.berth.preheat;

import dev.berth.policy.DoublestarPattern;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A policy's {@code filters}, Harbor's JSON string {@code [{"type":…,"value":…}, …]}, parsed and
 * checked when the policy is saved, and applied in Harbor's order: {@code repository} (a doublestar
 * pattern over the path within the project), {@code tag} (a doublestar pattern; empty matches all),
 * {@code label} (comma-separated names, all required), {@code signature} ({@code true}: signed
 * only), {@code vulnerability} (a severity code: only artifacts below it; an artifact without a scan
 * report counts as 99, as in Harbor). Every filter must pass. See {@link #effective} for how the
 * project's security settings replace the last two when a policy runs.
 */
final class PolicyFilters {
    static final Set<String> TYPES = Set.of("repository", "tag", "label", "signature", "vulnerability");
    private static final List<String> ORDER = List.of("repository", "tag", "label", "signature", "vulnerability");

    private final List<Predicate<Candidate>> filters;
    private final List<String> types;

    private PolicyFilters(List<Predicate<Candidate>> filters, List<String> types) {
        this.filters = filters;
        this.types = types;
    }

    /** Parses Harbor's filters string; {@link IllegalArgumentException} says what is wrong. */
    static PolicyFilters parse(String text, JsonMapper json) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing filters in preheat policy");
        }
        JsonNode array;
        try {
            array = json.readTree(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("filters is not JSON");
        }
        if (!array.isArray() || array.isEmpty()) {
            throw new IllegalArgumentException("filters must be a non-empty JSON array");
        }
        List<JsonNode> sorted = new ArrayList<>();
        array.forEach(sorted::add);
        sorted.sort(Comparator.comparingInt(f -> {
            int i = ORDER.indexOf(f.path("type").asString(""));
            return i < 0 ? ORDER.size() : i;
        }));
        List<Predicate<Candidate>> filters = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (JsonNode f : sorted) {
            String type = f.path("type").asString("");
            JsonNode value = f.path("value");
            if (!TYPES.contains(type)) {
                throw new IllegalArgumentException("unknown filter type: " + type);
            }
            if (value.isMissingNode() || value.isNull()) {
                throw new IllegalArgumentException("pattern value is missing for filter: " + type);
            }
            types.add(type);
            filters.add(
                    switch (type) {
                        case "repository" -> {
                            Predicate<String> p = pattern(value, type);
                            yield c -> p.test(c.repository());
                        }
                        case "tag" -> {
                            Predicate<String> p = pattern(value, type);
                            yield c -> p.test(c.tag());
                        }
                        case "label" -> {
                            List<String> labels = labels(value);
                            yield c -> c.labels().containsAll(labels);
                        }
                        case "signature" -> {
                            if (!value.isBoolean()) {
                                throw new IllegalArgumentException("invalid boolean pattern for filter: signature");
                            }
                            boolean required = value.asBoolean();
                            yield c -> !required || c.signed();
                        }
                        default -> {
                            int below = severity(value);
                            yield c -> c.severity() < below;
                        }
                    });
        }
        return new PolicyFilters(List.copyOf(filters), List.copyOf(types));
    }

    /**
     * The filters as Harbor enforces them: the policy's own signature and vulnerability filters give
     * way to the project's settings ({@code enable_content_trust}: signed only; {@code prevent_vul}
     * with {@code severity}: below that severity), and are dropped when the project sets neither.
     */
    static PolicyFilters effective(String text, Map<String, String> projectMetadata, JsonMapper json) {
        PolicyFilters parsed = parse(text, json);
        List<Predicate<Candidate>> filters = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (int i = 0; i < parsed.types.size(); i++) {
            String type = parsed.types.get(i);
            if (!type.equals("signature") && !type.equals("vulnerability")) {
                filters.add(parsed.filters.get(i));
                types.add(type);
            }
        }
        if ("true".equals(projectMetadata.get("enable_content_trust"))) {
            filters.add(Candidate::signed);
            types.add("signature");
        }
        String severity = projectMetadata.getOrDefault("severity", "");
        if ("true".equals(projectMetadata.get("prevent_vul")) && !severity.isEmpty()) {
            int below = severityCode(severity);
            filters.add(c -> c.severity() < below);
            types.add("vulnerability");
        }
        return new PolicyFilters(List.copyOf(filters), List.copyOf(types));
    }

    /** Harbor's code of a severity name. */
    static int severityCode(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "none", "unknown" -> 0;
            case "negligible" -> 1;
            case "low" -> 2;
            case "medium" -> 3;
            case "high" -> 4;
            case "critical" -> 5;
            default -> 99;
        };
    }

    boolean matches(Candidate c) {
        return filters.stream().allMatch(f -> f.test(c));
    }

    List<String> types() {
        return types;
    }

    private static Predicate<String> pattern(JsonNode value, String type) {
        if (!value.isString()) {
            throw new IllegalArgumentException("invalid string pattern for filter: " + type);
        }
        String source = value.asString();
        if (source.isEmpty()) {
            return s -> true;
        }
        DoublestarPattern pattern;
        try {
            pattern = DoublestarPattern.compile(source);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + type + " pattern: " + e.getMessage());
        }
        return pattern::matches;
    }

    private static List<String> labels(JsonNode value) {
        if (!value.isString()) {
            throw new IllegalArgumentException("invalid string pattern for filter: label");
        }
        String text = value.asString();
        return text.isEmpty() ? List.of() : List.of(text.split(","));
    }

    /** Harbor accepts the code as a number or a numeric string. */
    private static int severity(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.asInt();
        }
        if (value.isNumber()) {
            return (int) value.asDouble();
        }
        if (value.isString()) {
            try {
                return Integer.parseInt(value.asString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid integer pattern for filter: vulnerability");
            }
        }
        throw new IllegalArgumentException("invalid integer pattern for filter: vulnerability");
    }
}
