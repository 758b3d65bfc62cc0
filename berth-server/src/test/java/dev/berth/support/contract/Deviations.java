package dev.berth.support.contract;

import dev.berth.support.HarborSwagger;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Berth's documented departures from Harbor's swagger, read from {@code
 * src/test/resources/harbor/deviations.yaml}: the Berth-only endpoints whose responses are not
 * checked, the differences in responses of Harbor's operations that are deliberate, and the fields
 * Harbor always sends though its swagger leaves them optional (checked as required). Every entry
 * carries its reason; an entry without one is refused.
 */
record Deviations(List<BerthOnly> berthOnly, List<Difference> differences, Map<String, Set<String>> alwaysSent) {
    static final String RESOURCE = "/harbor/deviations.yaml";

    /** An endpoint Harbor does not have: a path template under /api/v2.0 and its methods. */
    record BerthOnly(String path, List<String> methods, String reason) {
        boolean matches(String method, String rawPath) {
            return methods.contains(method.toUpperCase(Locale.ROOT))
                    && Pointers.matches(path, rawPath.substring(HarborSwagger.BASE_PATH.length()));
        }
    }

    /**
     * A difference allowed in one operation's responses ({@code *}: any operation): at a JSON
     * pointer pattern ({@code *} is one segment, a final {@code **} any rest), of one kind of
     * problem, optionally for one status only.
     */
    record Difference(String operation, Integer status, String pointer, String problem, String reason) {
        boolean covers(Violation v) {
            return (operation.equals("*") || operation.equals(v.operationId()))
                    && (status == null || status == v.status())
                    && problem.equals(v.problem())
                    && Pointers.matches(pointer, v.pointer());
        }
    }

    static Deviations load() {
        try (InputStream in = Deviations.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCE);
            }
            return parse(YAMLMapper.builder().build().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Deviations parse(JsonNode root) {
        List<BerthOnly> berthOnly = new ArrayList<>();
        for (JsonNode e : root.path("berth_only")) {
            List<String> methods = new ArrayList<>();
            e.path("methods").forEach(m -> methods.add(m.asString().toUpperCase(Locale.ROOT)));
            berthOnly.add(new BerthOnly(text(e, "path"), List.copyOf(methods), text(e, "reason")));
        }
        List<Difference> differences = new ArrayList<>();
        for (JsonNode e : root.path("differences")) {
            Integer status = e.hasNonNull("status") ? e.get("status").asInt() : null;
            differences.add(new Difference(
                    text(e, "operation"),
                    status,
                    e.path("pointer").asString(""),
                    text(e, "problem"),
                    text(e, "reason")));
        }
        Map<String, Set<String>> alwaysSent = new HashMap<>();
        for (JsonNode e : root.path("always_sent")) {
            text(e, "reason");
            Set<String> fields = alwaysSent.computeIfAbsent(text(e, "definition"), d -> new HashSet<>());
            e.path("fields").forEach(f -> fields.add(f.asString()));
        }
        return new Deviations(List.copyOf(berthOnly), List.copyOf(differences), Map.copyOf(alwaysSent));
    }

    private static String text(JsonNode entry, String field) {
        String value = entry.path(field).asString("");
        if (value.isBlank()) {
            throw new IllegalStateException(RESOURCE + ": entry without '" + field + "': " + entry);
        }
        return value.strip();
    }

    boolean berthOnly(String method, String rawPath) {
        return berthOnly.stream().anyMatch(b -> b.matches(method, rawPath));
    }

    boolean allowed(Violation v) {
        return differences.stream().anyMatch(d -> d.covers(v));
    }
}
