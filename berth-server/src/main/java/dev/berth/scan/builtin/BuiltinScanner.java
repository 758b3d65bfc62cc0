package dev.berth.scan.builtin;

import com.github.packageurl.PackageURL;
import dev.berth.iam.ExternalUrl;
import dev.berth.registry.RegistryContent;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in scanner: catalogues an image's layers as this registry holds them (no pull over
 * the network, no credential) into SBOMs, and asks the {@link VulnerabilityMatcher} for the
 * vulnerabilities of what it found.
 */
@Service
public class BuiltinScanner {
    public static final String NAME = "Berth built-in";
    public static final String VENDOR = "Berth";

    private final RegistryContent content;
    private final VulnerabilityMatcher matcher;
    private final ExternalUrl externalUrl;
    private final JsonMapper json;
    private final Clock clock;
    private final String version;
    private final Cataloguer cataloguer = new Cataloguer();

    BuiltinScanner(
            RegistryContent content,
            VulnerabilityMatcher matcher,
            ExternalUrl externalUrl,
            JsonMapper json,
            Clock clock,
            @Value("${berth.version:unknown}") String version) {
        this.content = content;
        this.matcher = matcher;
        this.externalUrl = externalUrl;
        this.json = json;
        this.clock = clock;
        this.version = version;
    }

    public String version() {
        return version;
    }

    /** An image's SBOMs and what the cataloguer noted while reading it. */
    public record Sboms(String cycloneDx, String spdx, List<PackageURL> packages, List<String> notes) {}

    /** Thrown when the artifact cannot be catalogued (gone, or not an image). */
    public static final class NotScannable extends RuntimeException {
        NotScannable(String message) {
            super(message);
        }
    }

    /** Catalogues the image {@code repository@digest} from its layers and writes both SBOMs. */
    public Sboms sboms(String repository, String digest, Optional<String> tag) {
        RegistryContent.Manifest manifest = content.manifest(repository, digest)
                .orElseThrow(() -> new NotScannable(repository + "@" + digest + " is gone"));
        JsonNode m = json.readTree(manifest.content());
        List<Cataloguer.Layer> layers = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode layer : m.path("layers")) {
            String mediaType = layer.path("mediaType").asString("");
            Optional<Digest> d = Digest.parse(layer.path("digest").asString(""));
            if (d.isEmpty()) {
                continue;
            }
            if (!isFileSystemLayer(mediaType)) {
                skipped.add("layer " + d.get() + ": not a file system layer (" + mediaType + ")");
                continue;
            }
            layers.add(new Cataloguer.Layer() {
                @Override
                public String digest() {
                    return d.get().toString();
                }

                @Override
                public InputStream open() throws IOException {
                    return content.openBlob(repository, d.get());
                }
            });
        }
        ImageCatalogue catalogue;
        try {
            catalogue = cataloguer.catalogue(layers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> notes = new ArrayList<>(skipped);
        notes.addAll(catalogue.notes());
        SbomSubject subject = new SbomSubject(registryHost(), repository, digest, tag);
        Instant now = clock.instant();
        return new Sboms(
                CycloneDxDocument.write(catalogue, subject, version, now, json),
                SpdxDocument.write(catalogue, subject, version, externalUrl.ofServer(), now, json),
                catalogue.named().stream().map(ImageCatalogue.Named::purl).toList(),
                notes);
    }

    /** The vulnerability report of a CycloneDX SBOM (the generic report's JSON), from the matcher. */
    public String vulnerabilities(String cycloneDx) {
        return matcher.match(cycloneDx);
    }

    private String registryHost() {
        try {
            String authority = URI.create(externalUrl.ofServer()).getAuthority();
            return authority == null ? "" : authority;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** Image layers are tar archives, compressed or not (OCI and Docker's media types, foreign ones too). */
    static boolean isFileSystemLayer(String mediaType) {
        return mediaType.startsWith("application/vnd.oci.image.layer.")
                || mediaType.startsWith("application/vnd.docker.image.rootfs.");
    }
}
