package dev.berth.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Harbor's API contract ({@code src/test/resources/harbor/swagger-v2.14.yaml}) as tests read it:
 * every operation, and a concrete path for each with plausible values in place of its parameters.
 */
public final class HarborSwagger {
    private static final String RESOURCE = "/harbor/swagger-v2.14.yaml";
    private static final Set<String> METHODS = Set.of("get", "head", "post", "put", "patch", "delete", "options");
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

    private HarborSwagger() {}

    /**
     * One operation of the API.
     *
     * @param method the HTTP method, upper case
     * @param pathTemplate the path below the base path, with Harbor's {@code {parameter}} names
     * @param operationId Harbor's name for it
     */
    public record Operation(String method, String pathTemplate, String operationId) {
        /** The full path ({@code /api/v2.0/...}) with every parameter replaced by a plausible value. */
        public String examplePath() {
            Matcher m = PARAMETER.matcher(pathTemplate);
            StringBuilder out = new StringBuilder(basePath());
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(example(m.group(1))));
            }
            m.appendTail(out);
            return out.toString();
        }

        @Override
        public String toString() {
            return method + " " + pathTemplate + " (" + operationId + ")";
        }
    }

    /** {@code /api/v2.0}. */
    public static String basePath() {
        return (String) document().get("basePath");
    }

    /** Every operation, in the order the contract lists them. */
    public static List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        Map<String, Object> paths = map(document().get("paths"));
        for (Map.Entry<String, Object> path : paths.entrySet()) {
            for (Map.Entry<String, Object> op : map(path.getValue()).entrySet()) {
                if (METHODS.contains(op.getKey())) {
                    operations.add(new Operation(
                            op.getKey().toUpperCase(Locale.ROOT),
                            path.getKey(),
                            String.valueOf(map(op.getValue()).get("operationId"))));
                }
            }
        }
        return operations;
    }

    /**
     * A value of the kind the parameter names: an id for {@code *_id}, a double-encoded repository
     * name as Harbor's clients send it, a digest, a tag; a plain word otherwise.
     */
    static String example(String parameter) {
        return switch (parameter) {
            case "repository_name" -> "app%252Fsub";
            case "reference" -> "latest";
            case "digest" -> "sha256:" + "0".repeat(64);
            case "project_name", "project_name_or_id" -> "library";
            case "tag_name" -> "v1";
            case "addition" -> "build_history";
            case "job_type" -> "gc";
            case "meta_name" -> "public";
            default -> parameter.equals("id") || parameter.endsWith("_id") || parameter.endsWith("id") ? "1" : "x1";
        };
    }

    private static Map<String, Object> document() {
        return Loaded.DOCUMENT;
    }

    /** Read once, on first use. */
    private static final class Loaded {
        static final Map<String, Object> DOCUMENT = load();
    }

    private static Map<String, Object> load() {
        try (InputStream in = HarborSwagger.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test class path");
            }
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(16 * 1024 * 1024);
            return map(new Yaml(options).load(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
