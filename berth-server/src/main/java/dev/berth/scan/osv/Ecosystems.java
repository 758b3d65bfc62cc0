package dev.berth.scan.osv;

import java.util.Comparator;
import java.util.Locale;

/**
 * OSV's ecosystems as Berth matches them: the version order of each, and how a package name is
 * normalised so that an SBOM's name and an advisory's name meet (PyPI names per PEP 503; the
 * others as they are, Debian's and Alpine's in lower case).
 */
final class Ecosystems {
    private Ecosystems() {}

    /**
     * The base of an OSV ecosystem: {@code Debian} for {@code Debian:12}, {@code Alpine} for
     * {@code Alpine:v3.19}.
     */
    static String base(String ecosystem) {
        int colon = ecosystem.indexOf(':');
        return colon < 0 ? ecosystem : ecosystem.substring(0, colon);
    }

    /** The version order of an ecosystem; empty for one whose order Berth does not know. */
    static java.util.Optional<Comparator<String>> order(String ecosystem) {
        Comparator<String> order = switch (base(ecosystem)) {
            case "Debian", "Ubuntu" -> DpkgVersion.ORDER;
            case "Alpine", "Wolfi", "Chainguard" -> ApkVersion.ORDER;
            case "Red Hat", "Rocky Linux", "AlmaLinux", "openSUSE", "SUSE", "Mageia", "openEuler" -> RpmVersion.ORDER;
            case "Maven" -> MavenVersion.ORDER;
            case "npm", "crates.io", "Go", "Hex", "Pub", "NuGet" -> SemverVersion.ORDER;
            case "PyPI" -> Pep440Version.ORDER;
            case "RubyGems" -> GemVersion.ORDER;
            default -> null;
        };
        return java.util.Optional.ofNullable(order);
    }

    /** The name under which a package of this ecosystem is indexed and looked up. */
    static String normalizedName(String ecosystem, String name) {
        return switch (base(ecosystem)) {
            case "PyPI" -> name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
            case "Debian", "Ubuntu", "Alpine", "Wolfi", "Chainguard" -> name.toLowerCase(Locale.ROOT);
            case "NuGet" -> name.toLowerCase(Locale.ROOT);
            default -> name;
        };
    }
}
