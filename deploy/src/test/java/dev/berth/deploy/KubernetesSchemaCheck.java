package dev.berth.deploy;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rendered manifests checked against the Kubernetes API's types: each object is read strictly into
 * fabric8's model of its kind (classes generated from the OpenAPI schemas of Kubernetes and of the
 * Gateway API), so a misspelt field, a field at the wrong level or a value of the wrong type is
 * found before a cluster refuses it. fabric8 keeps fields it does not know in
 * {@code additionalProperties}; any entry there is a field the API does not have.
 */
final class KubernetesSchemaCheck {
    /** The kinds the chart renders, by "apiVersion kind". */
    private static final Map<String, Class<?>> KINDS = Map.of(
            "v1 Secret", Secret.class,
            "v1 Service", Service.class,
            "v1 PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1 Deployment", Deployment.class,
            "apps/v1 StatefulSet", StatefulSet.class,
            "networking.k8s.io/v1 Ingress", Ingress.class,
            "policy/v1 PodDisruptionBudget", PodDisruptionBudget.class,
            "gateway.networking.k8s.io/v1 HTTPRoute", HTTPRoute.class);

    /**
     * Custom resources of operators the chart can target, checked against the OpenAPI schema of the
     * operator's own CRD (kept under test resources crds/, with its origin).
     */
    private static final List<CrdSchema> CUSTOM =
            List.of(CrdSchema.load("/crds/monitoring.coreos.com_servicemonitors.yaml", "v1"));

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private KubernetesSchemaCheck() {}

    /** What is wrong with the rendered objects, one line each ("Kind/name: problem"); empty when all are valid. */
    static List<String> problems(List<Map<String, Object>> objects) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            String type = object.get("apiVersion") + " " + object.get("kind");
            String name = type + "/" + YamlPaths.at(object, "metadata.name");
            CrdSchema custom = CUSTOM.stream()
                    .filter(c -> c.type().equals(type))
                    .findFirst()
                    .orElse(null);
            if (custom != null) {
                custom.check(object, name, problems);
                continue;
            }
            Class<?> model = KINDS.get(type);
            if (model == null) {
                problems.add(name + ": no schema known for this apiVersion and kind");
                continue;
            }
            Object typed;
            try {
                typed = STRICT.convertValue(object, model);
            } catch (RuntimeException e) { // Jackson's: the value does not fit the field's type
                problems.add(name + ": " + e.getMessage().replaceAll("\\s+", " "));
                continue;
            }
            unknownFields(typed, "", name, problems);
        }
        return problems;
    }

    /** Every {@code additionalProperties} entry under {@code value}: a field the API does not define. */
    private static void unknownFields(Object value, String path, String name, List<String> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", name, problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, name, problems));
            return;
        }
        Class<?> type = value.getClass();
        if (!type.getName().startsWith("io.fabric8.kubernetes.api.model") || type.isEnum()) {
            return;
        }
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() != 0
                    || Modifier.isStatic(m.getModifiers())
                    || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = m.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(type.getName() + "." + m.getName(), e);
            }
            String field =
                    Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            if (m.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    for (Object key : extra.keySet()) {
                        problems.add(name + ": unknown field " + (path.isEmpty() ? "" : path.substring(1) + ".") + key);
                    }
                }
                continue;
            }
            unknownFields(child, path + "." + field, name, problems);
        }
    }
}
