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
 * Debian's package database: {@code var/lib/dpkg/status} (stanzas of RFC 822 fields separated by
 * blank lines) and distroless images' {@code var/lib/dpkg/status.d/*} (one file per package, same
 * format). Only packages whose {@code Status} says {@code installed} count; status.d files have no
 * {@code Status} and are all installed.
 */
final class DpkgStatus {
    private DpkgStatus() {}

    static List<CataloguedPackage> read(InputStream in, String location) throws IOException {
        List<CataloguedPackage> out = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        Map<String, String> fields = new HashMap<>();
        String field = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank()) {
                add(fields, location, out);
                fields.clear();
                field = null;
            } else if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                // A continuation line (descriptions, conffiles): never one of the fields read here.
                continue;
            } else {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    field = line.substring(0, colon);
                    fields.put(field, line.substring(colon + 1).trim());
                }
            }
        }
        add(fields, location, out);
        return out;
    }

    private static void add(Map<String, String> f, String location, List<CataloguedPackage> out) {
        String name = f.getOrDefault("Package", "");
        String version = f.getOrDefault("Version", "");
        if (name.isEmpty() || version.isEmpty()) {
            return;
        }
        String status = f.get("Status");
        if (status != null && !status.endsWith(" installed")) {
            return;
        }
        Map<String, String> q = new HashMap<>();
        String arch = f.getOrDefault("Architecture", "");
        if (!arch.isEmpty()) {
            q.put("arch", arch);
        }
        // "Source: openssl" or "Source: glibc (2.36-9)": the source package, which advisories name.
        String source = f.getOrDefault("Source", "");
        if (!source.isEmpty()) {
            int paren = source.indexOf(" (");
            String srcName = paren > 0 ? source.substring(0, paren) : source;
            String srcVersion =
                    paren > 0 && source.endsWith(")") ? source.substring(paren + 2, source.length() - 1) : "";
            if (!srcName.equals(name) || !srcVersion.isEmpty()) {
                q.put("upstream", srcVersion.isEmpty() ? srcName : srcName + "@" + srcVersion);
            }
        }
        out.add(new CataloguedPackage(Ecosystem.DEB, "", name, version, q, location, List.of()));
    }
}
