package dev.berth.replication;

import dev.berth.outbound.Cancellation;
import dev.berth.outbound.OutboundResponse;
import dev.berth.remote.DistributionClient;
import dev.berth.remote.RegistryAdapter;
import dev.berth.remote.RemoteRegistry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** A remote registry as a copy's source or destination, through its adapter's content client. */
final class RemoteEndpoint implements ContentEndpoint {
    private final RegistryAdapter adapter;
    private final RemoteRegistry registry;
    private final DistributionClient client;

    RemoteEndpoint(RegistryAdapter adapter, RemoteRegistry registry, DistributionClient client) {
        this.adapter = adapter;
        this.registry = registry;
        this.client = client;
    }

    @Override
    public List<String> repositories(List<String> namePatterns) {
        return adapter.repositories(registry, namePatterns);
    }

    @Override
    public void prepare(String repository) {
        adapter.prepareForPush(registry, repository);
    }

    @Override
    public List<String> tags(String repository) {
        return client.tags(repository);
    }

    @Override
    public Optional<Manifest> manifest(String repository, String reference) {
        return client.manifest(repository, reference).map(m -> new Manifest(m.mediaType(), m.content()));
    }

    @Override
    public boolean hasBlob(String repository, String digest) {
        return client.hasBlob(repository, digest);
    }

    @Override
    public InputStream openBlob(String repository, String digest) {
        OutboundResponse response = client.openBlob(repository, digest);
        return new FilterInputStream(response.body()) {
            @Override
            public void close() throws IOException {
                response.close();
            }
        };
    }

    @Override
    public void putBlob(
            String repository, String digest, long size, BlobSource source, int chunkSize, Cancellation cancel) {
        if (chunkSize > 0) {
            client.putBlobInChunks(repository, digest, source::open, chunkSize, cancel);
        } else {
            client.putBlob(repository, digest, size, source::open, cancel);
        }
    }

    @Override
    public Optional<String> manifestDigest(String repository, String reference) {
        return client.manifestDigest(repository, reference);
    }

    @Override
    public boolean deleteManifest(String repository, String digest) {
        return adapter.deleteManifest(registry, client, repository, digest);
    }

    @Override
    public boolean deleteTag(String repository, String tag, String digest) {
        return adapter.deleteTag(registry, client, repository, tag, digest);
    }

    @Override
    public List<String> labels(String repository, String digest) {
        return adapter.labels(registry, repository, digest);
    }

    @Override
    public List<String> referrers(String repository, String digest) {
        return client.referrers(repository, digest);
    }

    @Override
    public void putManifest(String repository, String reference, String mediaType, byte[] content) {
        client.putManifest(repository, reference, mediaType, content);
    }
}
