package dev.berth.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Harbor v2.14's REST API definition ({@code src/test/resources/harbor/swagger-v2.14.yaml}, Swagger
 * 2.0), read once per JVM: its operations, and which operation a request path belongs to.
 */
public final class HarborSwagger {
    /** Where the swagger's paths are served. */
    public static final String BASE_PATH = "/api/v2.0";

    private static final String RESOURCE = "/harbor/swagger-v2.14.yaml";
    private static final Set<String> METHODS = Set.of("get", "head", "post", "put", "patch", "delete", "options");
    private static volatile HarborSwagger instance;

    private final JsonNode document;
    private final List<Operation> operations;

    /** One operation of the swagger: upper-case HTTP method, path template under {@link #BASE_PATH}, operationId. */
    public record Operation(String method, String pathTemplate, String operationId) {
        /** The template's segments, e.g. {@code ["projects", "{project_name_or_id}"]}. */
        List<String> segments() {
            return List.of(trimSlash(pathTemplate).substring(1).split("/", -1));
        }

        /** Literal segments count: a template with more wins over one with variables in their place. */
        int literalCount() {
            return (int) segments().stream().filter(s -> !s.startsWith("{")).count();
        }

        /** The full path ({@code /api/v2.0/...}) with every parameter replaced by a plausible value. */
        public String examplePath() {
            Matcher m = PARAMETER.matcher(pathTemplate);
            StringBuilder out = new StringBuilder(BASE_PATH);
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

    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

    /**
     * A value of the kind a path parameter names: an id for {@code *_id}, a double-encoded repository
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

    private HarborSwagger(JsonNode document) {
        this.document = document;
        List<Operation> ops = new ArrayList<>();
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    if (METHODS.contains(op.getKey())) {
                        ops.add(new Operation(
                                op.getKey().toUpperCase(Locale.ROOT),
                                path.getKey(),
                                op.getValue().path("operationId").asString()));
                    }
                }));
        // Most literal segments first, so that /users/current is preferred to /users/{user_id}.
        ops.sort(Comparator.comparingInt(Operation::literalCount).reversed());
        this.operations = List.copyOf(ops);
    }

    /** The swagger of this test JVM, parsed on first use. */
    public static HarborSwagger load() {
        HarborSwagger s = instance;
        if (s == null) {
            synchronized (HarborSwagger.class) {
                if (instance == null) {
                    instance = new HarborSwagger(read());
                }
                s = instance;
            }
        }
        return s;
    }

    private static JsonNode read() {
        try (InputStream in = HarborSwagger.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCE);
            }
            return YAMLMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every operation the swagger defines (203 in v2.14). */
    public List<Operation> operations() {
        return operations;
    }

    /** The whole swagger document as a tree (definitions, responses, paths). */
    public JsonNode document() {
        return document;
    }

    /** The swagger's definition of {@code op} (its parameters, responses, ...). */
    public JsonNode definition(Operation op) {
        return document.path("paths").path(op.pathTemplate()).path(op.method().toLowerCase(Locale.ROOT));
    }

    /**
     * The operation that serves {@code method} on {@code rawPath} (the request's path as sent, still
     * percent-encoded, starting with {@link #BASE_PATH}); a template variable matches exactly one
     * segment, as in Harbor, where a repository name's slashes are sent encoded; a trailing slash
     * does not count.
     */
    public Optional<Operation> match(String method, String rawPath) {
        // A trailing slash is not significant: the swagger writes /projects/{p}/metadatas/.
        String path = trimSlash(rawPath);
        if (!path.startsWith(BASE_PATH + "/")) {
            return Optional.empty();
        }
        String[] segments = path.substring(BASE_PATH.length() + 1).split("/", -1);
        String m = method.toUpperCase(Locale.ROOT);
        for (Operation op : operations) {
            if (op.method().equals(m) && matches(op.segments(), segments)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static boolean matches(List<String> template, String[] segments) {
        if (template.size() != segments.length) {
            return false;
        }
        for (int i = 0; i < segments.length; i++) {
            String t = template.get(i);
            boolean variable = t.startsWith("{") && t.endsWith("}");
            if (variable ? segments[i].isEmpty() : !t.equals(segments[i])) {
                return false;
            }
        }
        return true;
    }
}
