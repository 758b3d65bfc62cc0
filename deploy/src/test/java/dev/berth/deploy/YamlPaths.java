package dev.berth.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/** Parsed YAML documents and a small path syntax to read them: {@code spec.ports[0].port}. */
final class YamlPaths {
    private static final Pattern STEP = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    private YamlPaths() {}

    /** Every non-empty document of a multi-document YAML text. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        LoaderOptions options = new LoaderOptions();
        // a key given twice is an error for kubectl's strict field validation: refuse it here too
        options.setAllowDuplicateKeys(false);
        for (Object document : new org.yaml.snakeyaml.Yaml(options).loadAll(text)) {
            if (document instanceof Map<?, ?> map) {
                documents.add((Map<String, Object>) map);
            }
        }
        return documents;
    }

    /** The value at a path such as {@code spec.template.spec.containers[0].env}, or null. */
    static Object at(Object root, String path) {
        Object current = root;
        Matcher matcher = STEP.matcher(path);
        while (matcher.find() && current != null) {
            if (matcher.group(1) != null) {
                current = current instanceof Map<?, ?> map ? map.get(matcher.group(1)) : null;
            } else {
                int index = Integer.parseInt(matcher.group(2));
                current = current instanceof List<?> list && index < list.size() ? list.get(index) : null;
            }
        }
        return current;
    }

    static String string(Object root, String path) {
        Object value = at(root, path);
        return value == null ? null : value.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, String path) {
        Object value = at(root, path);
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object root, String path) {
        Object value = at(root, path);
        return value instanceof List<?> ? (List<Map<String, Object>>) value : List.of();
    }
}
