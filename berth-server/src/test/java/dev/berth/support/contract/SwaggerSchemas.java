package dev.berth.support.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns Swagger 2.0 schemas into JSON Schema (draft 4) with the meaning Harbor's server gives them,
 * so that a standard validator can check Berth's responses:
 *
 * <ul>
 *   <li>An object with {@code properties} and no {@code additionalProperties} is closed: a field
 *       Harbor does not define is reported, which is how a misspelt field name shows up (Swagger
 *       leaves such objects open).
 *   <li>{@code x-omitempty: false} makes a property required: go-swagger then drops {@code
 *       omitempty} from the Go field's JSON tag, so Harbor always sends the field.
 *   <li>A property that is not in {@code required} may be {@code null}: Harbor's Go models send
 *       {@code null} for nil slices, maps and pointers that are always present, and the clients
 *       generated from the swagger read {@code null} as "not set".
 *   <li>Descriptions, examples and {@code x-} extensions are dropped; {@code $ref}s keep pointing
 *       into {@code #/definitions}, whose definitions get a {@code <name>~or-null} twin for
 *       nullable references.
 * </ul>
 */
final class SwaggerSchemas {
    static final String OR_NULL = "~or-null";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> KEPT = Set.of("type", "format", "enum", "maxLength", "minLength", "pattern");

    private SwaggerSchemas() {}

    /**
     * Every definition of {@code swagger}, converted, each with its nullable twin; {@code
     * alwaysSent} names, per definition, fields Harbor always sends though the swagger does not say
     * so: they become required and never null.
     */
    static ObjectNode definitions(JsonNode swagger, Map<String, Set<String>> alwaysSent) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : swagger.path("definitions").properties()) {
            ObjectNode converted = convert(e.getValue(), alwaysSent.getOrDefault(e.getKey(), Set.of()));
            out.set(e.getKey(), converted);
            out.set(e.getKey() + OR_NULL, orNull(converted));
        }
        return out;
    }

    /** A response's schema as a standalone JSON Schema document that carries {@code definitions}. */
    static ObjectNode document(JsonNode responseSchema, ObjectNode definitions) {
        ObjectNode doc = convert(responseSchema);
        doc.put("$schema", "http://json-schema.org/draft-04/schema#");
        doc.set("definitions", definitions);
        return doc;
    }

    static ObjectNode convert(JsonNode swagger) {
        return convert(swagger, Set.of());
    }

    private static ObjectNode convert(JsonNode swagger, Set<String> alsoRequired) {
        ObjectNode out = NODES.objectNode();
        if (swagger.has("$ref")) {
            out.put("$ref", swagger.get("$ref").asString());
            return out;
        }
        for (String keyword : KEPT) {
            if (swagger.has(keyword)) {
                out.set(keyword, swagger.get(keyword));
            }
        }
        if (swagger.has("items")) {
            out.set("items", convert(swagger.get("items")));
        }
        JsonNode properties = swagger.get("properties");
        if (properties != null) {
            List<String> required = new ArrayList<>();
            swagger.path("required").forEach(r -> required.add(r.asString()));
            required.addAll(alsoRequired);
            List<String> alwaysSent = new ArrayList<>(required);
            ObjectNode props = NODES.objectNode();
            for (Map.Entry<String, JsonNode> p : properties.properties()) {
                JsonNode schema = p.getValue();
                boolean nullable = !required.contains(p.getKey());
                props.set(p.getKey(), nullable ? orNull(convert(schema)) : convert(schema));
                if (schema.path("x-omitempty").isBoolean()
                        && !schema.path("x-omitempty").asBoolean()
                        && !alwaysSent.contains(p.getKey())) {
                    alwaysSent.add(p.getKey());
                }
            }
            out.set("properties", props);
            if (!alwaysSent.isEmpty()) {
                ArrayNode req = out.putArray("required");
                alwaysSent.forEach(req::add);
            }
        }
        JsonNode additional = swagger.get("additionalProperties");
        if (additional != null) {
            out.set("additionalProperties", additional.isObject() ? convert(additional) : additional);
        } else if (properties != null) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    /** {@code schema}, also accepting {@code null}. */
    static ObjectNode orNull(ObjectNode schema) {
        if (schema.has("$ref")) {
            ObjectNode ref = NODES.objectNode();
            ref.put("$ref", schema.get("$ref").asString() + OR_NULL);
            return ref;
        }
        ObjectNode copy = schema.deepCopy();
        JsonNode type = copy.get("type");
        if (type != null && type.isString()) {
            ArrayNode types = copy.putArray("type");
            types.add(type.asString());
            types.add("null");
        } else if (type == null && !copy.has("enum")) {
            return copy; // any value, null included
        }
        if (copy.has("enum")) {
            ((ArrayNode) copy.get("enum")).addNull();
        }
        return copy;
    }
}
