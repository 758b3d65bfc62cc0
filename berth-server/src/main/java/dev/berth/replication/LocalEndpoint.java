package dev.berth.replication;

import dev.berth.outbound.Cancellation;
import dev.berth.registry.RegistryContent;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** This Berth as a copy's source or destination, in process through {@link RegistryContent}. */
final class LocalEndpoint implements ContentEndpoint {
    private final RegistryContent content;
    private final ArtifactLabelNames labels;

    LocalEndpoint(RegistryContent content, ArtifactLabelNames labels) {
        this.content = content;
        this.labels = labels;
    }

    @Override
    public List<String> labels(String repository, String digest) {
        return labels.of(repository, digest);
    }

    @Override
    public List<String> repositories(List<String> namePatterns) {
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
    public void putBlob(
            String repository, String digest, long size, BlobSource source, int chunkSize, Cancellation cancel)
            throws IOException {
        FailureRecordingStream in = new FailureRecordingStream(source.open());
        try (in) {
            content.putBlob(repository, digest(digest), size, in);
        } catch (RuntimeException e) {
            // the upload says only "body incomplete": when reading the remote broke (a reset, a
            // stall past the read timeout), that is the failure, retried and logged as such
            if (in.failure != null) {
                throw in.failure;
            }
            throw e;
        }
    }

    /** A stream that keeps the first {@link IOException} its source threw. */
    private static final class FailureRecordingStream extends java.io.FilterInputStream {
        private IOException failure;

        FailureRecordingStream(InputStream in) {
            super(in);
        }

        private IOException seen(IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw seen(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw seen(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                throw seen(e);
            }
        }
    }

    @Override
    public void putManifest(String repository, String reference, String mediaType, byte[] bytes) {
        content.putManifest(repository, reference, mediaType, bytes);
    }

    @Override
    public Optional<String> manifestDigest(String repository, String reference) {
        return content.manifest(repository, reference).map(m -> m.digest().toString());
    }

    /** Deletion replication goes from this Berth's events to a remote only. */
    @Override
    public boolean deleteManifest(String repository, String digest) {
        throw new UnsupportedOperationException("deletion replication deletes on a remote registry only");
    }

    @Override
    public boolean deleteTag(String repository, String tag, String digest) {
        throw new UnsupportedOperationException("deletion replication deletes on a remote registry only");
    }

    @Override
    public List<String> referrers(String repository, String digest) {
        return content.referrers(repository, digest(digest)).stream()
                .map(r -> r.digest().toString())
                .toList();
    }

    private static Digest digest(String text) {
        return Digest.parse(text).orElseThrow(() -> new IllegalArgumentException("not a digest: " + text));
    }
}
