package dev.berth.scan.builtin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small line-oriented package files: Python's core metadata ({@code *.dist-info/METADATA},
 * {@code *.egg-info/PKG-INFO}), Rust's {@code Cargo.lock}, Ruby's {@code Gemfile.lock} and
 * {@code os-release}.
 */
final class TextManifests {
    private static final Pattern GEM_SPEC = Pattern.compile("^ {4}([^ (]+) \\(([^)]+)\\)$");
    private static final Pattern TOML_STRING = Pattern.compile("^(\\w+)\\s*=\\s*\"([^\"]*)\"\\s*$");

    private TextManifests() {}

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** Core metadata headers end at the first blank line; the description follows. */
    static List<CataloguedPackage> python(InputStream in, String location) throws IOException {
        BufferedReader r = reader(in);
        String name = "";
        String version = "";
        String license = "";
        String line;
        while ((line = r.readLine()) != null && !line.isEmpty()) {
            if (line.startsWith("Name:")) {
                name = line.substring(5).trim();
            } else if (line.startsWith("Version:")) {
                version = line.substring(8).trim();
            } else if (line.startsWith("License-Expression:")) {
                license = line.substring(19).trim();
            } else if (line.startsWith("License:") && license.isEmpty()) {
                license = line.substring(8).trim();
            }
        }
        if (name.isEmpty() || version.isEmpty()) {
            return List.of();
        }
        // PEP 503 normalisation, which the pypi Package URL type asks for.
        String normalised = name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
        List<String> licenses =
                license.isEmpty() || license.equals("UNKNOWN") || license.length() > 200 ? List.of() : List.of(license);
        return List.of(new CataloguedPackage(Ecosystem.PYPI, "", normalised, version, Map.of(), location, licenses));
    }

    /** Every {@code [[package]]} of the lock file with its name and version. */
    static List<CataloguedPackage> cargo(InputStream in, String location) throws IOException {
        List<CataloguedPackage> out = new ArrayList<>();
        BufferedReader r = reader(in);
        Map<String, String> pkg = null;
        String line;
        while ((line = r.readLine()) != null) {
            String t = line.trim();
            if (t.startsWith("[")) {
                addCargo(pkg, location, out);
                pkg = t.equals("[[package]]") ? new HashMap<>() : null;
            } else if (pkg != null) {
                Matcher m = TOML_STRING.matcher(t);
                if (m.matches()) {
                    pkg.put(m.group(1), m.group(2));
                }
            }
        }
        addCargo(pkg, location, out);
        return out;
    }

    private static void addCargo(Map<String, String> pkg, String location, List<CataloguedPackage> out) {
        if (pkg != null && pkg.containsKey("name") && pkg.containsKey("version")) {
            out.add(CataloguedPackage.of(Ecosystem.CARGO, "", pkg.get("name"), pkg.get("version"), location));
        }
    }

    /** The gems under {@code specs:} of the GEM, GIT and PATH sections (four spaces in; six are dependencies). */
    static List<CataloguedPackage> gemfileLock(InputStream in, String location) throws IOException {
        List<CataloguedPackage> out = new ArrayList<>();
        BufferedReader r = reader(in);
        boolean inSpecs = false;
        String line;
        while ((line = r.readLine()) != null) {
            if (!line.startsWith(" ")) {
                inSpecs = false;
            } else if (line.equals("  specs:")) {
                inSpecs = true;
            } else if (inSpecs) {
                Matcher m = GEM_SPEC.matcher(line);
                if (m.matches()) {
                    String version = m.group(2);
                    // "1.15.5-x86_64-linux": the platform is not part of the gem's version.
                    int dash = version.indexOf('-');
                    if (dash > 0) {
                        version = version.substring(0, dash);
                    }
                    out.add(CataloguedPackage.of(Ecosystem.GEM, "", m.group(1), version, location));
                }
            }
        }
        return out;
    }

    static Distro osRelease(InputStream in) throws IOException {
        Map<String, String> f = new HashMap<>();
        BufferedReader r = reader(in);
        String line;
        while ((line = r.readLine()) != null) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                String v = line.substring(eq + 1).trim();
                if (v.length() >= 2
                        && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                f.put(line.substring(0, eq).trim(), v);
            }
        }
        return new Distro(
                f.getOrDefault("ID", "").toLowerCase(Locale.ROOT),
                f.getOrDefault("VERSION_ID", ""),
                f.getOrDefault("PRETTY_NAME", ""));
    }

    private static final Pattern REDHAT_RELEASE = Pattern.compile("^(.*?)\\s+release\\s+([0-9][0-9.]*)");

    /**
     * {@code etc/redhat-release} of images without {@code os-release} (CentOS 6 and older):
     * {@code CentOS release 6.10 (Final)}, {@code Red Hat Enterprise Linux Server release 6.10
     * (Santiago)}, named with the {@code os-release} id the distribution uses later.
     */
    static Optional<Distro> redhatRelease(InputStream in) throws IOException {
        String line = reader(in).readLine();
        if (line == null) {
            return Optional.empty();
        }
        Matcher m = REDHAT_RELEASE.matcher(line.trim());
        if (!m.find()) {
            return Optional.empty();
        }
        String product = m.group(1).toLowerCase(Locale.ROOT);
        String id = product.startsWith("red hat")
                ? "rhel"
                : product.startsWith("centos")
                        ? "centos"
                        : product.startsWith("fedora")
                                ? "fedora"
                                : product.startsWith("rocky")
                                        ? "rocky"
                                        : product.startsWith("almalinux")
                                                ? "almalinux"
                                                : product.startsWith("oracle") ? "ol" : "";
        return id.isEmpty() ? Optional.empty() : Optional.of(new Distro(id, m.group(2), line.trim()));
    }
}
