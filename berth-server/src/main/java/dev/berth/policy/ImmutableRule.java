package dev.berth.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tag immutability rule of a project: an enabled rule makes immutable every tag whose name its
 * tag selector selects in a repository its repository selector selects.
 */
record ImmutableRule(long id, long projectId, int priority, boolean disabled, Selector tags, Selector repositories) {
    static final String ACTION = "immutable";
    static final String TEMPLATE = "immutable_template";
    static final String KIND = "doublestar";

    /** A doublestar selector: the names its pattern matches ({@code matches}) or all others ({@code excludes}). */
    record Selector(String decoration, String pattern) {
        boolean excludes() {
            return decoration.equals("excludes") || decoration.equals("repoExcludes");
        }

        Map<String, Object> view() {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("kind", KIND);
            v.put("decoration", decoration);
            v.put("pattern", pattern);
            return v;
        }
    }

    /** Harbor's {@code ImmutableRule} JSON. */
    Map<String, Object> view() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("priority", priority);
        v.put("disabled", disabled);
        v.put("action", ACTION);
        v.put("template", TEMPLATE);
        v.put("tag_selectors", List.of(tags.view()));
        v.put("scope_selectors", Map.of("repository", List.of(repositories.view())));
        return v;
    }

    /** The rule with its patterns compiled, for matching. */
    Compiled compile() {
        return new Compiled(
                this, DoublestarPattern.compile(tags.pattern()), DoublestarPattern.compile(repositories.pattern()));
    }

    record Compiled(ImmutableRule rule, DoublestarPattern tags, DoublestarPattern repositories) {
        /** Whether the repository selector selects the repository (its path within the project). */
        boolean selectsRepository(String repositoryPath) {
            return repositories.matches(repositoryPath) != rule.repositories().excludes();
        }

        boolean selectsTag(String tag) {
            return tags.matches(tag) != rule.tags().excludes();
        }
    }
}
