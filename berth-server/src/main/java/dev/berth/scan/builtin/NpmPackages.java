package dev.berth.scan.builtin;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * npm's {@code package-lock.json} (lockfile versions 1, 2 and 3, and the hidden
 * {@code node_modules/.package-lock.json}) and installed packages' {@code package.json} under
 * {@code node_modules}.
 */
final class NpmPackages {
    static final Pattern INSTALLED = Pattern.compile("(^|.*/)node_modules/(@[^/]+/)?[^/@.][^/]*/package\\.json");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private NpmPackages() {}

    static boolean isLockfile(String path) {
        return path.endsWith("/package-lock.json")
                || path.equals("package-lock.json")
                || path.endsWith("node_modules/.package-lock.json");
    }

    static List<CataloguedPackage> lockfile(InputStream in, String location) {
        JsonNode root = parse(in);
        List<CataloguedPackage> out = new ArrayList<>();
        JsonNode packages = root.path("packages");
        if (packages.isObject()) {
            for (Map.Entry<String, JsonNode> e : packages.properties()) {
                String key = e.getKey();
                JsonNode p = e.getValue();
                int nm = key.lastIndexOf("node_modules/");
                if (nm < 0 || p.path("link").asBoolean(false)) {
                    continue; // the project itself, or a link to a workspace folder
                }
                String name = p.path("name").asString(key.substring(nm + "node_modules/".length()));
                add(name, p.path("version").asString(""), location, out);
            }
        } else {
            v1(root.path("dependencies"), location, out, 0);
        }
        return out;
    }

    private static void v1(JsonNode deps, String location, List<CataloguedPackage> out, int depth) {
        if (!deps.isObject() || depth > 64) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : deps.properties()) {
            add(e.getKey(), e.getValue().path("version").asString(""), location, out);
            v1(e.getValue().path("dependencies"), location, out, depth + 1);
        }
    }

    static List<CataloguedPackage> installed(InputStream in, String location) {
        JsonNode root = parse(in);
        List<CataloguedPackage> out = new ArrayList<>();
        add(root.path("name").asString(""), root.path("version").asString(""), location, out);
        return out;
    }

    private static void add(String fullName, String version, String location, List<CataloguedPackage> out) {
        // Lockfile v1 versions of git or file dependencies are URLs, not versions.
        if (fullName.isEmpty() || version.isEmpty() || version.contains(":") || version.contains("/")) {
            return;
        }
        String scope = "";
        String name = fullName;
        if (fullName.startsWith("@") && fullName.indexOf('/') > 0) {
            scope = fullName.substring(0, fullName.indexOf('/'));
            name = fullName.substring(fullName.indexOf('/') + 1);
        }
        out.add(CataloguedPackage.of(Ecosystem.NPM, scope, name, version, location));
    }

    private static JsonNode parse(InputStream in) {
        try {
            return JSON.readTree(in);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }
}
