package dev.berth.importer;

import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Harbor's registry storage as CNCF distribution lays it out on a filesystem. Only the
 * content-addressed blobs are read (manifests are blobs too); which repository holds what comes
 * from Harbor's database, not from the {@code _manifests}/{@code _layers} link files.
 *
 * <pre>
 * &lt;root&gt;/docker/registry/v2/
 *   blobs/sha256/&lt;first two hex&gt;/&lt;hex&gt;/data         the bytes
 *   repositories/&lt;name&gt;/_manifests/revisions/...      links (not read)
 * </pre>
 */
final class DistributionStorage {
    private final Path v2;

    private DistributionStorage(Path v2) {
        this.v2 = v2;
    }

    /** The storage under {@code root}: distribution's root directory, or its {@code docker/registry/v2}. */
    static DistributionStorage at(Path root) {
        Path nested = root.resolve("docker").resolve("registry").resolve("v2");
        Path v2 = Files.isDirectory(nested.resolve("blobs")) ? nested : root;
        if (!Files.isDirectory(v2.resolve("blobs"))) {
            throw new IllegalArgumentException(
                    "no distribution storage at " + root + " (expected docker/registry/v2/blobs)");
        }
        return new DistributionStorage(v2);
    }

    Path path(Digest digest) {
        return v2.resolve("blobs")
                .resolve(digest.algorithm().prefix())
                .resolve(digest.hex().substring(0, 2))
                .resolve(digest.hex())
                .resolve("data");
    }

    /** The blob's size, if the storage holds it. */
    Optional<Long> size(Digest digest) {
        try {
            return Optional.of(Files.size(path(digest)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    InputStream open(Digest digest) throws IOException {
        return Files.newInputStream(path(digest));
    }

    /** A manifest's bytes, checked against its digest (a manifest is small, so read whole). */
    Optional<byte[]> manifest(Digest digest) throws IOException {
        Path p = path(digest);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(p);
        Digest actual = Digest.of(digest.algorithm(), bytes);
        if (!actual.equals(digest)) {
            throw new IOException("manifest " + digest + " in storage has digest " + actual);
        }
        return Optional.of(bytes);
    }
}
