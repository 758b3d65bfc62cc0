package dev.berth.policy;

import dev.berth.api.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code POST} and {@code PUT …/immutabletagrules}, Harbor's {@code ImmutableRule},
 * read field by field. Harbor accepts lists of selectors and silently uses only the first of each;
 * here a rule must have exactly one tag selector and one repository selector, so what is stored is
 * what is enforced. Fields Harbor ignores ({@code params}, {@code extras}) are ignored here too.
 *
 * @param id the id in the body, if any (an update must name the rule of its path)
 */
record ImmutableRuleRequest(
        Optional<Long> id,
        int priority,
        boolean disabled,
        ImmutableRule.Selector tags,
        ImmutableRule.Selector repositories) {

    private static final List<String> TAG_DECORATIONS = List.of("matches", "excludes");
    private static final List<String> REPOSITORY_DECORATIONS = List.of("repoMatches", "repoExcludes");

    static ImmutableRuleRequest parse(Map<String, Object> body) {
        if (body == null) {
            throw ApiException.badRequest("request body is missing");
        }
        Optional<Long> id = switch (body.get("id")) {
            case null -> Optional.empty();
            case Integer i -> Optional.of(i.longValue()).filter(v -> v != 0);
            case Long l -> Optional.of(l).filter(v -> v != 0);
            default -> throw ApiException.badRequest("id must be an integer");
        };
        int priority = switch (body.get("priority")) {
            case null -> 0;
            case Integer i -> i;
            default -> throw ApiException.badRequest("priority must be an integer");
        };
        boolean disabled = switch (body.get("disabled")) {
            case null -> false;
            case Boolean b -> b;
            default -> throw ApiException.badRequest("disabled must be true or false");
        };
        expect(body, "action", ImmutableRule.ACTION);
        expect(body, "template", ImmutableRule.TEMPLATE);
        ImmutableRule.Selector tags = single(body.get("tag_selectors"), "tag_selectors", TAG_DECORATIONS);
        if (!(body.get("scope_selectors") instanceof Map<?, ?> scopes)) {
            throw ApiException.badRequest("scope_selectors must be an object with a repository selector");
        }
        for (Object key : scopes.keySet()) {
            if (!"repository".equals(key)) {
                throw ApiException.badRequest("unsupported scope selector " + key + "; only repository is");
            }
        }
        ImmutableRule.Selector repositories =
                single(scopes.get("repository"), "scope_selectors.repository", REPOSITORY_DECORATIONS);
        return new ImmutableRuleRequest(id, priority, disabled, tags, repositories);
    }

    /** An optional field that, when sent, must have Harbor's one valid value. */
    private static void expect(Map<String, Object> body, String field, String value) {
        Object sent = body.get(field);
        if (sent != null && !value.equals(sent)) {
            throw ApiException.badRequest(field + " must be " + value);
        }
    }

    private static ImmutableRule.Selector single(Object value, String field, List<String> decorations) {
        if (!(value instanceof List<?> list) || list.size() != 1 || !(list.getFirst() instanceof Map<?, ?> s)) {
            throw ApiException.badRequest(field + " must hold exactly one selector");
        }
        Object kind = s.get("kind");
        if (kind != null && !ImmutableRule.KIND.equals(kind)) {
            throw ApiException.badRequest(field + ": kind must be " + ImmutableRule.KIND);
        }
        if (!(s.get("decoration") instanceof String decoration) || !decorations.contains(decoration)) {
            throw ApiException.badRequest(field + ": decoration must be one of " + String.join(", ", decorations));
        }
        if (!(s.get("pattern") instanceof String pattern)) {
            throw ApiException.badRequest(field + ": pattern is required");
        }
        try {
            DoublestarPattern.compile(pattern);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + ": invalid pattern " + pattern + ": " + e.getMessage());
        }
        return new ImmutableRule.Selector(decoration, pattern);
    }
}
