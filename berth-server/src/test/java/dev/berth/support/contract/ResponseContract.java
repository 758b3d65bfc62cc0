package dev.berth.support.contract;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.berth.support.HarborSwagger;
import dev.berth.support.HarborSwagger.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks one {@code /api/v2.0} response against Harbor's swagger: the operation (method and path
 * template) must exist unless the path is a documented Berth-only endpoint, a success status must be
 * declared by the operation (or its {@code default}; an error status that is not declared gets
 * Harbor's {@code Errors} body, as Harbor's error handler sends), and a JSON body must match the status's
 * schema (field names, types, enums, required and always-sent fields; see {@link SwaggerSchemas}).
 * What {@link Deviations} allows is not reported. Schemas are compiled once per operation and
 * status and shared by every server of the JVM.
 */
public final class ResponseContract {
    private static volatile ResponseContract instance;

    private final HarborSwagger swagger;
    private final Deviations deviations;
    private final ObjectNode definitions;
    private final SchemaRegistry registry;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    ResponseContract(HarborSwagger swagger, Deviations deviations) {
        this.swagger = swagger;
        this.deviations = deviations;
        this.definitions = SwaggerSchemas.definitions(swagger.document(), deviations.alwaysSent());
        SchemaRegistryConfig config =
                SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        this.registry =
                SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4, b -> b.schemaRegistryConfig(config));
    }

    /** The contract of this JVM: Harbor's swagger and Berth's deviations, read once. */
    public static ResponseContract get() {
        ResponseContract c = instance;
        if (c == null) {
            synchronized (ResponseContract.class) {
                if (instance == null) {
                    instance = new ResponseContract(HarborSwagger.load(), Deviations.load());
                }
                c = instance;
            }
        }
        return c;
    }

    /** What is wrong with this response, deviations left out; empty when it keeps the contract. */
    public List<Violation> check(String method, String rawPath, int status, String contentType, byte[] body) {
        List<Violation> found = new ArrayList<>();
        Optional<Operation> matched = swagger.match(method, rawPath);
        if (matched.isEmpty()) {
            if (!deviations.berthOnly(method, rawPath) && status != 404 && status != 405) {
                found.add(new Violation(
                        method,
                        rawPath,
                        status,
                        "-",
                        "",
                        "operation",
                        "no operation of Harbor's swagger serves this method and path, and deviations.yaml does"
                                + " not list it under berth_only"));
            }
            return found;
        }
        Operation op = matched.get();
        JsonNode responses = swagger.definition(op).path("responses");
        JsonNode response = responses.get(Integer.toString(status));
        if (response == null) {
            response = responses.get("default");
        }
        if (status == 404 && new String(body, java.nio.charset.StandardCharsets.UTF_8).contains("\"no such API: ")) {
            // Berth has no handler for this operation (yet: ApiCoverageTest lists which). That is
            // Harbor's answer to a route it does not have, an Errors body, whatever the operation
            // declares for its own 404.
            response = swagger.document().path("responses").path("500");
        } else if (response == null && status >= 400) {
            // The swagger lists few error statuses per operation (getProject: only 401 and 500) and
            // some without a schema, but Harbor's error handler answers every error with an Errors
            // body: check that body.
            response = swagger.document().path("responses").path("500");
        }
        if (response == null) {
            TreeSet<String> declared = new TreeSet<>();
            responses.propertyNames().forEach(declared::add);
            found.add(violation(op, method, rawPath, status, "", "status", "not declared; declared: " + declared));
            return filter(found);
        }
        response = resolve(response);
        JsonNode schema = response.get("schema");
        if (schema == null && status >= 400) {
            schema = resolve(swagger.document().path("responses").path("500")).get("schema");
        }
        boolean hasBody = body.length > 0 && !method.equalsIgnoreCase("HEAD");
        if (schema == null) {
            if (hasBody && isJson(contentType)) {
                found.add(
                        violation(op, method, rawPath, status, "", "body", "Harbor declares no body for this status"));
            }
            return filter(found);
        }
        if (method.equalsIgnoreCase("HEAD")) {
            return found;
        }
        if (!isJson(contentType)) {
            // "file": a download (getCert), any content type.
            if (!Set.of("string", "file").contains(schema.path("type").asString(""))) {
                found.add(violation(
                        op,
                        method,
                        rawPath,
                        status,
                        "",
                        "body",
                        "expected a JSON body, got Content-Type " + contentType));
            }
            return filter(found);
        }
        JsonNode instance;
        try {
            instance = json.readTree(body);
        } catch (JacksonException e) {
            found.add(violation(op, method, rawPath, status, "", "body", "not JSON: " + e.getOriginalMessage()));
            return filter(found);
        }
        if (instance == null || instance.isMissingNode()) {
            found.add(violation(op, method, rawPath, status, "", "body", "empty, expected JSON"));
            return filter(found);
        }
        JsonNode responseSchema = schema;
        Schema compiledSchema = compiled.computeIfAbsent(
                op.operationId() + " " + status,
                k -> registry.getSchema(SwaggerSchemas.document(responseSchema, definitions)));
        for (Error e : compiledSchema.validate(instance)) {
            String message = e.getMessage();
            if (("enum".equals(e.getKeyword()) || "type".equals(e.getKeyword())) && e.getInstanceNode() != null) {
                message += " (got " + abbreviate(e.getInstanceNode().toString()) + ")";
            }
            found.add(violation(op, method, rawPath, status, pointer(e), e.getKeyword(), message));
        }
        return filter(found);
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }

    private List<Violation> filter(List<Violation> found) {
        found.removeIf(deviations::allowed);
        return found;
    }

    private JsonNode resolve(JsonNode response) {
        String ref = response.path("$ref").asString("");
        if (ref.startsWith("#/responses/")) {
            return swagger.document().path("responses").path(ref.substring("#/responses/".length()));
        }
        return response;
    }

    private static boolean isJson(String contentType) {
        return contentType != null && (contentType.contains("/json") || contentType.contains("+json"));
    }

    /** Where the problem is, as a JSON pointer; for a missing or unknown field, the field itself. */
    private static String pointer(Error e) {
        StringBuilder out = new StringBuilder();
        NodePath at = e.getInstanceLocation();
        for (int i = 0; i < at.getNameCount(); i++) {
            out.append('/').append(escape(at.getName(i)));
        }
        if (e.getProperty() != null
                && ("required".equals(e.getKeyword()) || "additionalProperties".equals(e.getKeyword()))) {
            out.append('/').append(escape(e.getProperty()));
        }
        return out.toString();
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private static Violation violation(
            Operation op, String method, String uri, int status, String pointer, String problem, String message) {
        return new Violation(method, uri, status, op.operationId(), pointer, problem, message);
    }
}
