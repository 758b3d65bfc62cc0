package dev.berth.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The repositories a {@code name} filter names outright, for registries that cannot list theirs:
 * {@code org/app} is one, {@code org/{a,b}} two (one pair of braces per path component, no other
 * pattern characters), as Harbor's {@code IsSpecificPath} reads it.
 */
final class SpecificPaths {
    private SpecificPaths() {}

    static Optional<List<String>> of(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return Optional.empty();
        }
        List<String> paths = new ArrayList<>();
        for (String component : pattern.split("/", -1)) {
            Optional<List<String>> alternatives = component(component);
            if (alternatives.isEmpty()) {
                return Optional.empty();
            }
            if (paths.isEmpty()) {
                paths.addAll(alternatives.get());
            } else {
                List<String> combined = new ArrayList<>();
                for (String head : paths) {
                    for (String tail : alternatives.get()) {
                        combined.add(head + "/" + tail);
                    }
                }
                paths = combined;
            }
        }
        return Optional.of(List.copyOf(paths));
    }

    /** The names one path component names outright ({@code app}, {@code {a,b}}); empty for a pattern. */
    static Optional<List<String>> component(String component) {
        if (component.isEmpty() || component.chars().anyMatch(c -> "*?[\\]^".indexOf(c) >= 0)) {
            return Optional.empty();
        }
        if (component.chars().noneMatch(c -> c == '{' || c == '}' || c == ',')) {
            return Optional.of(List.of(component));
        }
        int open = component.indexOf('{');
        int close = component.lastIndexOf('}');
        if (open < 0 || close < open || component.indexOf('{', open + 1) >= 0) {
            return Optional.empty();
        }
        String prefix = component.substring(0, open);
        String suffix = component.substring(close + 1);
        List<String> names = new ArrayList<>();
        for (String middle : component.substring(open + 1, close).split(",", -1)) {
            names.add(prefix + middle + suffix);
        }
        return Optional.of(names);
    }
}
