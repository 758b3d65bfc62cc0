package dev.berth.scan.builtin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Alpine's installed database {@code lib/apk/db/installed}: records of one-letter fields
 * ({@code P:} name, {@code V:} version, {@code A:} arch, {@code o:} origin, {@code L:} license)
 * separated by blank lines.
 */
final class ApkDatabase {
    private ApkDatabase() {}

    static List<CataloguedPackage> read(InputStream in, String location) throws IOException {
        List<CataloguedPackage> out = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        Map<Character, String> f = new HashMap<>();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                add(f, location, out);
                f.clear();
            } else if (line.length() >= 2 && line.charAt(1) == ':') {
                char key = line.charAt(0);
                // File lines (F:, R:, Z:, a:, M:) repeat; only the first of the fields read here matters.
                f.putIfAbsent(key, line.substring(2));
            }
        }
        add(f, location, out);
        return out;
    }

    private static void add(Map<Character, String> f, String location, List<CataloguedPackage> out) {
        String name = f.getOrDefault('P', "");
        String version = f.getOrDefault('V', "");
        if (name.isEmpty() || version.isEmpty()) {
            return;
        }
        Map<String, String> q = new HashMap<>();
        String arch = f.getOrDefault('A', "");
        if (!arch.isEmpty()) {
            q.put("arch", arch);
        }
        String origin = f.getOrDefault('o', "");
        if (!origin.isEmpty() && !origin.equals(name)) {
            q.put("upstream", origin);
        }
        String license = f.getOrDefault('L', "");
        out.add(new CataloguedPackage(
                Ecosystem.APK, "", name, version, q, location, license.isEmpty() ? List.of() : List.of(license)));
    }
}
