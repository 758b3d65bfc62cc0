package dev.berth.robot;

import dev.berth.api.ApiException;
import dev.berth.iam.Action;
import dev.berth.iam.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /robots} ({@code RobotCreate}) or {@code PUT /robots/{id}} ({@code Robot}),
 * read field by field from the JSON object so that nothing else in the body (an id, a project, a
 * creator, a hashed secret) can be set by the client. Shapes and Harbor's syntax rules are checked
 * here; who may grant what is {@link RobotService}'s business.
 *
 * @param duration days, -1 for never; empty when the client sent none (or 0)
 * @param permissions the requested grants, grouped as sent, with duplicates removed
 */
record RobotRequest(
        Optional<String> name,
        String description,
        Optional<String> secret,
        Optional<String> level,
        boolean disable,
        Optional<Long> duration,
        List<Grant> permissions) {

    static final Pattern NAME = Pattern.compile("^[a-z0-9]+(?:[._-][a-z0-9]+)*$");
    static final int MAX_NAME = 255;
    static final int MAX_DESCRIPTION = 1024;

    /** One {@code RobotPermission}: a kind ("system" or "project"), a namespace and what is granted there. */
    record Grant(String kind, String namespace, Set<Access> access) {
        Grant {
            access = Set.copyOf(access);
        }
    }

    /** One {@code Access} entry; only the effect "allow" exists here. */
    record Access(Resource resource, Action action) {}

    static RobotRequest parse(Map<String, Object> body) {
        if (body == null) {
            throw ApiException.badRequest("request body is missing");
        }
        // Checked against Harbor's rule on create only: an update may carry the full "robot$…" name.
        Optional<String> name = optionalString(body, "name");
        String description = optionalString(body, "description").orElse("");
        if (description.length() > MAX_DESCRIPTION) {
            throw ApiException.badRequest("description must be at most " + MAX_DESCRIPTION + " characters");
        }
        Optional<String> secret = optionalString(body, "secret").filter(s -> !s.isEmpty());
        Optional<String> level = optionalString(body, "level");
        boolean disable = switch (body.get("disable")) {
            case null -> false;
            case Boolean b -> b;
            default -> throw ApiException.badRequest("disable must be true or false");
        };
        return new RobotRequest(
                name, description, secret, level, disable, duration(body.get("duration")), grants(body));
    }

    /** Harbor's rule; '+' and '$' in particular are refused, since they structure login names. */
    static void validateName(String name) {
        if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest(
                    "robot name must be lower-case letters and digits, optionally separated by single . _ or -");
        }
    }

    private static Optional<Long> duration(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Integer || value instanceof Long)) {
            throw ApiException.badRequest("duration must be -1 (never expires) or a positive number of days");
        }
        long days = ((Number) value).longValue();
        if (days == 0) {
            return Optional.empty();
        }
        if (days != -1 && (days < 1 || days >= Integer.MAX_VALUE)) {
            throw ApiException.badRequest("duration must be -1 (never expires) or a positive number of days");
        }
        return Optional.of(days);
    }

    private static List<Grant> grants(Map<String, Object> body) {
        if (!(body.get("permissions") instanceof List<?> list) || list.isEmpty()) {
            throw ApiException.badRequest("permissions must be a non-empty list");
        }
        // Merge entries for the same kind and namespace, and drop repeated accesses.
        Map<List<String>, Set<Access>> merged = new LinkedHashMap<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> permission)) {
                throw ApiException.badRequest("each permission must be an object");
            }
            String kind = requiredString(permission, "kind", "permission kind");
            String namespace = requiredString(permission, "namespace", "permission namespace");
            if (!kind.equals("system") && !kind.equals("project")) {
                throw ApiException.badRequest("permission kind must be \"system\" or \"project\"");
            }
            if (!(permission.get("access") instanceof List<?> accesses) || accesses.isEmpty()) {
                throw ApiException.badRequest("each permission needs a non-empty access list");
            }
            Set<Access> into = merged.computeIfAbsent(List.of(kind, namespace), k -> new LinkedHashSet<>());
            for (Object a : accesses) {
                into.add(access(kind, a));
            }
        }
        List<Grant> grants = new ArrayList<>();
        merged.forEach((key, access) -> grants.add(new Grant(key.get(0), key.get(1), access)));
        return List.copyOf(grants);
    }

    private static Access access(String kind, Object value) {
        if (!(value instanceof Map<?, ?> access)) {
            throw ApiException.badRequest("each access must be an object");
        }
        String resource = requiredString(access, "resource", "access resource");
        String action = requiredString(access, "action", "access action");
        // The authoriser knows only grants; a "deny" stored as a grant would be the opposite of the request.
        Object effect = access.get("effect");
        if (effect != null && !"allow".equals(effect) && !"".equals(effect)) {
            throw ApiException.badRequest("access effect must be \"allow\"");
        }
        Optional<Resource> r = Resource.of(resource);
        Optional<Action> a = Action.of(action);
        if (r.isEmpty() || a.isEmpty() || !AssignablePermissions.assignable(kind, r.get(), a.get())) {
            throw ApiException.badRequest("permission " + kind + " " + printable(resource) + ":" + printable(action)
                    + " cannot be granted to a robot account");
        }
        return new Access(r.get(), a.get());
    }

    private static Optional<String> optionalString(Map<?, ?> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String s)) {
            throw ApiException.badRequest(field + " must be a string");
        }
        return Optional.of(s);
    }

    private static String requiredString(Map<?, ?> body, String field, String what) {
        if (!(body.get(field) instanceof String s) || s.isEmpty()) {
            throw ApiException.badRequest(what + " must be a non-empty string");
        }
        return s;
    }

    /** Client text in a message: short, and only characters that cannot disturb a log line. */
    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^A-Za-z0-9._*/-]", "?");
    }
}
