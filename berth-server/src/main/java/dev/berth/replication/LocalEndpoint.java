package dev.berth.replication;

import dev.berth.registry.RegistryContent;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** This Berth as a copy's source or destination, in process through {@link RegistryContent}. */
final class LocalEndpoint implements ContentEndpoint {
    private final RegistryContent content;

    LocalEndpoint(RegistryContent content) {
        this.content = content;
    }

    @Override
    public List<String> repositories() {
        return content.repositories();
    }

    @Override
    public List<String> tags(String repository) {
        return content.tags(repository);
    }

    @Override
    public Optional<Manifest> manifest(String repository, String reference) {
        return content.manifest(repository, reference).map(m -> new Manifest(m.mediaType(), m.content()));
    }

    @Override
    public boolean hasBlob(String repository, String digest) {
        return content.blobSize(repository, digest(digest)).isPresent();
    }

    @Override
    public InputStream openBlob(String repository, String digest) throws IOException {
        return content.openBlob(repository, digest(digest));
    }

    @Override
    public void putBlob(String repository, String digest, long size, BlobSource source) throws IOException {
        try (InputStream in = source.open()) {
            content.putBlob(repository, digest(digest), size, in);
        }
    }

    @Override
    public void putManifest(String repository, String reference, String mediaType, byte[] bytes) {
        content.putManifest(repository, reference, mediaType, bytes);
    }

    private static Digest digest(String text) {
        return Digest.parse(text).orElseThrow(() -> new IllegalArgumentException("not a digest: " + text));
    }
}
