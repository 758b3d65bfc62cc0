package dev.berth.scan.osv;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a Package URL's package is found in OSV: the ecosystems (a distribution's release is part
 * of the ecosystem: {@code Debian:12}, {@code Alpine:v3.19}), the package name as OSV spells it
 * (for distribution packages the source package, from the {@code upstream} qualifier when the SBOM
 * has it) and the version in the ecosystem's own notation.
 *
 * @param ecosystems OSV ecosystems to look in, most specific first
 * @param name the normalised name (see {@link Ecosystems#normalizedName})
 * @param version the version to match, as the ecosystem writes it (a distribution package's
 *     source version when the SBOM gives it)
 * @param displayName the package's own name, shown in reports
 * @param displayVersion the installed version, shown in reports
 */
record PackageCoordinates(
        List<String> ecosystems, String name, String version, String displayName, String displayVersion) {

    private static final Map<String, String> DEBIAN_CODENAMES = Map.of(
            "jessie",
            "8",
            "stretch",
            "9",
            "buster",
            "10",
            "bullseye",
            "11",
            "bookworm",
            "12",
            "trixie",
            "13",
            "forky",
            "14");
    private static final Pattern RELEASE = Pattern.compile("(\\d+)(?:\\.(\\d+))?");

    /** The coordinates of a purl; empty for a type OSV has no ecosystem for, or without a version. */
    static Optional<PackageCoordinates> of(String purl) {
        PackageURL p;
        try {
            p = new PackageURL(purl);
        } catch (MalformedPackageURLException | RuntimeException e) {
            return Optional.empty();
        }
        String version = p.getVersion();
        if (version == null || version.isBlank()) {
            return Optional.empty();
        }
        Map<String, String> q = p.getQualifiers() == null ? Map.of() : p.getQualifiers();
        String ns = p.getNamespace();
        String name = p.getName();
        return switch (p.getType()) {
            case "maven" -> ns == null ? Optional.empty() : single("Maven", ns + ":" + name, version, ns + ":" + name);
            case "npm" -> {
                String full = ns == null ? name : ns + "/" + name;
                yield single("npm", full, version, full);
            }
            case "pypi" -> single("PyPI", name, version, name);
            case "golang" -> {
                String full = ns == null ? name : ns + "/" + name;
                yield single("Go", full, version.startsWith("v") ? version.substring(1) : version, full);
            }
            case "cargo" -> single("crates.io", name, version, name);
            case "gem" -> single("RubyGems", name, version, name);
            case "nuget" -> single("NuGet", name, version, name);
            case "deb" -> debian(ns, name, version, q);
            case "apk" -> alpine(name, version, q);
            case "rpm" -> rpm(ns, name, version, q);
            default -> Optional.empty();
        };
    }

    private static Optional<PackageCoordinates> single(String ecosystem, String name, String version, String display) {
        return Optional.of(new PackageCoordinates(
                List.of(ecosystem), Ecosystems.normalizedName(ecosystem, name), version, display, version));
    }

    /** The source package of {@code upstream} ({@code openssl} or {@code openssl@3.0.11-1}), else the name. */
    private static String sourceName(String name, Map<String, String> q) {
        String upstream = q.getOrDefault("upstream", "").trim();
        if (upstream.isEmpty()) {
            return name;
        }
        int at = upstream.indexOf('@');
        return (at >= 0 ? upstream.substring(0, at) : upstream).trim();
    }

    /** The source version of {@code upstream} ({@code openssl@3.0.11-1}), else the package's version. */
    private static String sourceVersion(String version, Map<String, String> q) {
        String upstream = q.getOrDefault("upstream", "").trim();
        int at = upstream.indexOf('@');
        return at >= 0 && at + 1 < upstream.length()
                ? upstream.substring(at + 1).trim()
                : version;
    }

    private static Optional<PackageCoordinates> debian(String ns, String name, String version, Map<String, String> q) {
        String distro = q.getOrDefault("distro", "").toLowerCase(Locale.ROOT);
        String vendor = ns == null ? "debian" : ns.toLowerCase(Locale.ROOT);
        String full = epochVersion(version, q);
        String matched = epochVersion(sourceVersion(version, q), q);
        String source = sourceName(name, q);
        if (vendor.equals("ubuntu")) {
            Matcher m = RELEASE.matcher(distro);
            if (!m.find() || m.group(2) == null) {
                return Optional.empty();
            }
            String release = m.group(1) + "." + m.group(2);
            return Optional.of(new PackageCoordinates(
                    List.of("Ubuntu:" + release, "Ubuntu:" + release + ":LTS", "Ubuntu:Pro:" + release + ":LTS"),
                    Ecosystems.normalizedName("Ubuntu", source),
                    matched,
                    name,
                    full));
        }
        if (!vendor.equals("debian")) {
            return Optional.empty();
        }
        String release = null;
        for (Map.Entry<String, String> e : DEBIAN_CODENAMES.entrySet()) {
            if (distro.contains(e.getKey())) {
                release = e.getValue();
            }
        }
        if (release == null) {
            Matcher m = RELEASE.matcher(distro);
            if (!m.find()) {
                return Optional.empty(); // no release: Debian's advisories are per release
            }
            release = m.group(1);
        }
        return Optional.of(new PackageCoordinates(
                List.of("Debian:" + release), Ecosystems.normalizedName("Debian", source), matched, name, full));
    }

    private static Optional<PackageCoordinates> alpine(String name, String version, Map<String, String> q) {
        Matcher m = RELEASE.matcher(q.getOrDefault("distro", ""));
        if (!m.find() || m.group(2) == null) {
            return Optional.empty();
        }
        String ecosystem = "Alpine:v" + m.group(1) + "." + m.group(2);
        return Optional.of(new PackageCoordinates(
                List.of(ecosystem),
                Ecosystems.normalizedName("Alpine", sourceName(name, q)),
                sourceVersion(version, q),
                name,
                version));
    }

    /**
     * An rpm package of a distribution OSV has advisories for. AlmaLinux and Rocky Linux name
     * binary packages per major release ({@code AlmaLinux:9}); SUSE and openSUSE name the source
     * package (the {@code upstream} qualifier) per product release ({@code SUSE:Linux Enterprise
     * Server 15 SP5}, {@code openSUSE:Leap 15.5}, {@code openSUSE:Tumbleweed}). Red Hat's own
     * records name a repository ({@code ::appstream}) an image does not record, CentOS, Fedora,
     * Amazon and Oracle Linux have no OSV ecosystem: their packages are listed, not matched.
     */
    private static Optional<PackageCoordinates> rpm(String ns, String name, String version, Map<String, String> q) {
        if (ns == null) {
            return Optional.empty();
        }
        String distro = q.getOrDefault("distro", "");
        Matcher m = RELEASE.matcher(distro);
        boolean release = m.find();
        String family = ns.toLowerCase(Locale.ROOT);
        String full = epochVersion(version, q);
        String ecosystem;
        String matched = name;
        switch (family) {
            case "rocky", "rockylinux" -> ecosystem = release ? "Rocky Linux:" + m.group(1) : null;
            case "alma", "almalinux" -> ecosystem = release ? "AlmaLinux:" + m.group(1) : null;
            case "opensuse.tumbleweed", "opensuse-tumbleweed" -> {
                ecosystem = "openSUSE:Tumbleweed";
                matched = sourceName(name, q);
            }
            case "opensuse.leap", "opensuse-leap", "opensuse" -> {
                ecosystem = release && m.group(2) != null ? "openSUSE:Leap " + m.group(1) + "." + m.group(2) : null;
                matched = sourceName(name, q);
            }
            case "sles", "suse" -> {
                ecosystem = !release
                        ? null
                        : m.group(2) == null || m.group(2).equals("0")
                                ? "SUSE:Linux Enterprise Server " + m.group(1)
                                : "SUSE:Linux Enterprise Server " + m.group(1) + " SP" + m.group(2);
                matched = sourceName(name, q);
            }
            default -> ecosystem = null;
        }
        if (ecosystem == null) {
            return Optional.empty();
        }
        return Optional.of(new PackageCoordinates(List.of(ecosystem), matched, full, name, full));
    }

    /** A purl keeps the epoch in a qualifier; the ecosystems compare it as part of the version. */
    private static String epochVersion(String version, Map<String, String> q) {
        String epoch = q.getOrDefault("epoch", "");
        return epoch.isEmpty() || epoch.equals("0") || version.contains(":") ? version : epoch + ":" + version;
    }
}
