package dev.berth.scan.builtin;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One package found in an image, before it is named with the image's distribution.
 *
 * @param namespace the Maven group, the npm scope ({@code @types}), the Go module path's host
 *     part is not split: Go modules carry their whole path in {@code name}; empty for OS packages,
 *     which are given the distribution's id when named
 * @param qualifiers extra Package URL qualifiers ({@code arch}, {@code upstream}, {@code epoch})
 * @param location where it was found: the file's path in the image, with {@code !/} before a path
 *     inside an archive
 * @param licenses license names or expressions as the package database states them
 */
public record CataloguedPackage(
        Ecosystem ecosystem,
        String namespace,
        String name,
        String version,
        Map<String, String> qualifiers,
        String location,
        List<String> licenses) {

    public CataloguedPackage {
        qualifiers = Map.copyOf(qualifiers);
        licenses = List.copyOf(licenses);
    }

    static CataloguedPackage of(Ecosystem ecosystem, String namespace, String name, String version, String location) {
        return new CataloguedPackage(ecosystem, namespace, name, version, Map.of(), location, List.of());
    }

    /**
     * This package's Package URL; OS packages take the distribution's id as namespace and a
     * {@code distro} qualifier. Empty when the name cannot be one (the purl library refuses it).
     */
    public Optional<PackageURL> purl(Optional<Distro> distro) {
        String ns = namespace;
        TreeMap<String, String> q = new TreeMap<>(qualifiers);
        if (ecosystem.isOsPackage()) {
            String fallback = switch (ecosystem) {
                case DEB -> "debian";
                case APK -> "alpine";
                default -> "";
            };
            if (ecosystem == Ecosystem.RPM) {
                // Trivy's names: the distribution family as namespace and in the distro qualifier
                ns = distro.map(d -> rpmFamily(d.id())).orElse("");
                String family = ns;
                distro.filter(d -> !family.isEmpty())
                        .ifPresent(
                                d -> q.put("distro", d.versionId().isEmpty() ? family : family + "-" + d.versionId()));
            } else {
                ns = distro.map(Distro::id).filter(id -> !id.isEmpty()).orElse(fallback);
                distro.flatMap(Distro::qualifier).ifPresent(d -> q.put("distro", d));
            }
        }
        try {
            return Optional.of(new PackageURL(
                    ecosystem.purlType(),
                    ns.isEmpty() ? null : ns,
                    name,
                    version.isEmpty() ? null : version,
                    q.isEmpty() ? null : q,
                    null));
        } catch (MalformedPackageURLException e) {
            return Optional.empty();
        }
    }

    /**
     * The family Trivy names an rpm distribution by, from its {@code os-release} id: {@code rhel}
     * is {@code redhat}, {@code almalinux} {@code alma}, {@code amzn} {@code amazon}, {@code ol}
     * {@code oracle}, {@code opensuse-leap} {@code opensuse.leap}; others keep their id.
     */
    static String rpmFamily(String osReleaseId) {
        return switch (osReleaseId) {
            case "rhel" -> "redhat";
            case "almalinux" -> "alma";
            case "amzn" -> "amazon";
            case "ol" -> "oracle";
            case "opensuse-leap", "opensuse" -> "opensuse.leap";
            case "opensuse-tumbleweed" -> "opensuse.tumbleweed";
            case "sles", "sled" -> "sles";
            default -> osReleaseId;
        };
    }
}
