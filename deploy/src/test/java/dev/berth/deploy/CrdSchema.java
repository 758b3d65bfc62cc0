package dev.berth.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A custom resource's OpenAPI v3 schema, from its operator's CustomResourceDefinition, applied the
 * way the API server does with strict field validation: a field the schema does not define (where
 * it does not preserve unknown fields) is an error, not silently pruned; so are a wrong type, a
 * value outside an enum or a pattern, and a missing required field.
 */
final class CrdSchema {
    private final String type;
    private final Map<String, Object> schema;

    private CrdSchema(String type, Map<String, Object> schema) {
        this.type = type;
        this.schema = schema;
    }

    /** The schema of version {@code version} in a CRD kept under test resources. */
    static CrdSchema load(String resource, String version) {
        String text;
        try (InputStream in = CrdSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " in test resources");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> crd = YamlPaths.documents(text).getFirst();
        String group = YamlPaths.string(crd, "spec.group");
        String kind = YamlPaths.string(crd, "spec.names.kind");
        for (Map<String, Object> v : YamlPaths.list(crd, "spec.versions")) {
            if (version.equals(v.get("name"))) {
                return new CrdSchema(group + "/" + version + " " + kind, YamlPaths.map(v, "schema.openAPIV3Schema"));
            }
        }
        throw new IllegalStateException(resource + " has no version " + version);
    }

    /** "apiVersion kind", as {@link KubernetesSchemaCheck} keys kinds. */
    String type() {
        return type;
    }

    void check(Map<String, Object> object, String name, List<String> problems) {
        check(object, schema, "", name, problems);
    }

    @SuppressWarnings("unchecked")
    private static void check(
            Object value, Map<String, Object> schema, String path, String name, List<String> problems) {
        String at = path.isEmpty() ? "" : " at " + path.substring(1);
        if (value == null) {
            if (!Boolean.TRUE.equals(schema.get("nullable"))) {
                problems.add(name + ": null" + at);
            }
            return;
        }
        if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
            if (!(value instanceof String) && !(value instanceof Integer) && !(value instanceof Long)) {
                problems.add(name + ": expected an integer or a string" + at);
            }
            return;
        }
        String expected = (String) schema.get("type");
        if (expected != null && !fits(value, expected)) {
            problems.add(name + ": expected " + expected + at + ", got "
                    + value.getClass().getSimpleName());
            return;
        }
        if (schema.get("enum") instanceof List<?> allowed && !allowed.contains(value)) {
            problems.add(name + ": " + value + " is not one of " + allowed + at);
        }
        if (schema.get("pattern") instanceof String pattern
                && value instanceof String s
                && !Pattern.compile(pattern).matcher(s).find()) {
            problems.add(name + ": " + s + " does not match " + pattern + at);
        }
        if (value instanceof Map<?, ?> map) {
            if (path.equals(".metadata")) {
                return; // ObjectMeta: checked by the API server's own types, not the CRD
            }
            Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
            Object additional = schema.get("additionalProperties");
            boolean preserve = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
            if (schema.get("required") instanceof List<?> required) {
                for (Object field : required) {
                    if (!map.containsKey(field)) {
                        problems.add(name + ": missing required field "
                                + (path.isEmpty() ? "" : path.substring(1) + ".") + field);
                    }
                }
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String child = path + "." + e.getKey();
                if (properties != null && properties.containsKey(e.getKey())) {
                    check(e.getValue(), (Map<String, Object>) properties.get(e.getKey()), child, name, problems);
                } else if (additional instanceof Map<?, ?> each) {
                    check(e.getValue(), (Map<String, Object>) each, child, name, problems);
                } else if (!preserve && !Boolean.TRUE.equals(additional)) {
                    problems.add(name + ": unknown field " + child.substring(1));
                }
            }
        }
        if (value instanceof List<?> items && schema.get("items") instanceof Map<?, ?> item) {
            for (int i = 0; i < items.size(); i++) {
                check(items.get(i), (Map<String, Object>) item, path + "[" + i + "]", name, problems);
            }
        }
    }

    private static boolean fits(Object value, String type) {
        return switch (type) {
            case "object" -> value instanceof Map<?, ?>;
            case "array" -> value instanceof List<?>;
            case "string" -> value instanceof String;
            case "boolean" -> value instanceof Boolean;
            case "integer" ->
                value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger;
            case "number" -> value instanceof Number;
            default -> true;
        };
    }
}
