package dev.berth.scan.builtin;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The artifact an SBOM describes.
 *
 * @param registry the registry's host (and port) as clients address it, for the {@code oci}
 *     Package URL's {@code repository_url}
 * @param repository the repository's full name ({@code project/path})
 * @param digest the manifest digest
 * @param tag the tag it was scanned by, if any
 */
public record SbomSubject(String registry, String repository, String digest, Optional<String> tag) {
    /** {@code pkg:oci/<last path part>@<digest>?repository_url=<registry>/<repository>}, as the oci type asks. */
    public String purl() {
        String name = repository.substring(repository.lastIndexOf('/') + 1);
        TreeMap<String, String> q = new TreeMap<>();
        q.put("repository_url", registry.isEmpty() ? repository : registry + "/" + repository);
        tag.ifPresent(t -> q.put("tag", t));
        try {
            return new PackageURL("oci", null, name, digest, q, null).canonicalize();
        } catch (MalformedPackageURLException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
