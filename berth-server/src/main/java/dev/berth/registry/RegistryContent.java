package dev.berth.registry;

import dev.berth.storage.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * This registry's content for features that copy it in process (replication now, proxy cache
 * later), with the same rules as the {@code /v2/} API: a blob is read only through a repository
 * that links it, written only with its digest verified, and a manifest is accepted only when every
 * blob and child it references is already in the repository. Permission checks are the caller's.
 */
@Service
public class RegistryContent {
    private static final int PAGE = 1000;

    private final RepositoryRecords repositories;
    private final BlobRecords blobs;
    private final BlobService blobService;
    private final BlobUploadService uploads;
    private final ManifestService manifests;

    RegistryContent(
            RepositoryRecords repositories,
            BlobRecords blobs,
            BlobService blobService,
            BlobUploadService uploads,
            ManifestService manifests) {
        this.repositories = repositories;
        this.blobs = blobs;
        this.blobService = blobService;
        this.uploads = uploads;
        this.manifests = manifests;
    }

    /** A manifest's identity, media type and exact bytes. */
    public record Manifest(Digest digest, String mediaType, byte[] content) {}

    /** Every repository, in byte order. */
    public List<String> repositories() {
        List<String> all = new ArrayList<>();
        String last = "";
        while (true) {
            List<String> page = repositories.list(last, PAGE);
            all.addAll(page);
            if (page.size() < PAGE) {
                return all;
            }
            last = page.getLast();
        }
    }

    /** Whether the repository exists (has been pushed to). */
    public boolean hasRepository(String repository) {
        return repositories.findId(repository).isPresent();
    }

    /** Every tag of the repository, in byte order; empty when there is no such repository. */
    public List<String> tags(String repository) {
        if (repositories.findId(repository).isEmpty()) {
            return List.of();
        }
        List<String> all = new ArrayList<>();
        String last = "";
        while (true) {
            List<String> page = manifests.tags(repository, last, PAGE);
            all.addAll(page);
            if (page.size() < PAGE) {
                return all;
            }
            last = page.getLast();
        }
    }

    /** The manifest a tag or digest names in the repository, as stored (no conversion). */
    public Optional<Manifest> manifest(String repository, String reference) {
        try {
            StoredManifest m = manifests.get(repository, reference, List.of());
            return Optional.of(new Manifest(m.digest(), m.mediaType(), m.content()));
        } catch (RegistryException e) {
            if (e.code() == ErrorCode.MANIFEST_UNKNOWN || e.code() == ErrorCode.NAME_UNKNOWN) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A manifest of the repository whose {@code subject} is a digest: its digest and artifact type. */
    public record SubjectReferrer(Digest digest, String artifactType) {}

    /** The manifests of the repository whose {@code subject} is the digest (the referrers API's rows). */
    public List<SubjectReferrer> referrers(String repository, Digest subject) {
        return manifests.referrers(repository, subject, Optional.empty()).stream()
                .map(r -> new SubjectReferrer(r.digest(), r.artifactType() == null ? "" : r.artifactType()))
                .toList();
    }

    /** The size of a blob the repository links; empty when it does not link it. */
    public Optional<Long> blobSize(String repository, Digest digest) {
        var size = blobs.sizeIn(repository, digest);
        return size.isPresent() ? Optional.of(size.getAsLong()) : Optional.empty();
    }

    /** Opens a blob the repository links; the caller closes the stream. */
    public InputStream openBlob(String repository, Digest digest) throws IOException {
        return openBlob(repository, digest, 0);
    }

    /** Opens a blob the repository links, from {@code offset}; the caller closes the stream. */
    public InputStream openBlob(String repository, Digest digest, long offset) throws IOException {
        blobService.size(repository, digest); // BLOB_UNKNOWN unless the repository links it
        return blobService.store().open(digest, offset);
    }

    /**
     * Stores a blob into the repository (creating the repository in its project), verifying the
     * digest as an upload does.
     */
    public Digest putBlob(String repository, Digest digest, long size, InputStream content) {
        return putBlob(repository, digest, size, content, UploadWatcher.NONE);
    }

    /**
     * {@link #putBlob(String, Digest, long, InputStream)}, with {@code watcher} following the bytes
     * into storage: where they can be read as they are written, and when they are verified (before
     * the commit).
     */
    public Digest putBlob(String repository, Digest digest, long size, InputStream content, UploadWatcher watcher) {
        return uploads.monolithic(repository, digest, new BlobUploadService.Body(size, content, watcher));
    }

    /** Stores a manifest by tag or digest; refused unless everything it references is there. */
    public Digest putManifest(String repository, String reference, String mediaType, byte[] content) {
        return manifests
                .put(repository, reference, mediaType, content, List.of())
                .digest();
    }

    /**
     * Deletes an artifact of the repository as an API delete does (events, quota, review queues),
     * with the artifacts that refer to it in turn; joins the caller's transaction if there is one.
     */
    public void deleteArtifact(String repository, Digest digest) {
        List<Digest> accessories = referrers(repository, digest).stream()
                .map(SubjectReferrer::digest)
                .toList();
        manifests.deleteArtifact(repository, digest, accessories);
    }
}
