package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs as objects in an S3 bucket ({@link S3Keys} draws the layout). Everything an upload has is
 * in the bucket ({@link S3Uploads}), so any replica can take the next chunk of an upload another
 * one began; the commit composes the upload's segments at the blob's key server-side
 * ({@link S3Composer}). The blob's object appears whole when its final request completes, so an
 * interrupted upload never leaves a visible blob. Pulls may be redirected to presigned URLs.
 */
public final class S3BlobStore implements ListableBlobStore, AutoCloseable {
    static final long MIN_PART = 5L * 1024 * 1024;
    /** The largest object CopyObject copies, and the largest part UploadPartCopy copies. */
    static final long MAX_COPY = 5L * 1024 * 1024 * 1024;

    private final S3Client s3;
    private final Optional<S3Presigner> presigner;
    private final S3Objects objects;
    private final S3Keys keys;
    private final S3Uploads uploads;
    private final Duration presignExpiry;

    /**
     * @param presigner present when pulls are redirected to presigned URLs
     */
    S3BlobStore(S3Client s3, Optional<S3Presigner> presigner, StorageSettings.S3 settings) {
        settings.validate();
        this.s3 = s3;
        this.presigner = presigner;
        S3WriteOptions blobs = S3WriteOptions.of(settings);
        this.objects =
                new S3Objects(s3, settings.bucket(), (int) settings.partSize().toBytes(), blobs.staging());
        this.keys = new S3Keys(settings.keyPrefix());
        this.uploads = new S3Uploads(objects, keys, new S3Composer(objects, blobs, S3Composer.Copying.of(settings)));
        this.presignExpiry = settings.presignExpiry();
    }

    /** Connects with the settings and checks that the bucket is there. */
    public static S3BlobStore connect(StorageSettings.S3 settings) {
        settings.validate();
        S3BlobStore store = new S3BlobStore(
                S3Clients.client(settings),
                settings.redirect() ? Optional.of(S3Clients.presigner(settings)) : Optional.empty(),
                settings);
        try {
            store.s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (SdkException e) {
            store.close();
            throw new IllegalStateException(
                    "S3 bucket " + settings.bucket() + " is not reachable at "
                            + (settings.endpoint().isEmpty() ? "AWS" : settings.endpoint()) + ": " + e.getMessage(),
                    e);
        }
        return store;
    }

    // ---- committed blobs ------------------------------------------------------------------------

    @Override
    public OptionalLong stat(Digest digest) {
        try {
            return objects.head(keys.blob(digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<BlobLocation> locate(Digest digest) {
        if (presigner.isEmpty() || stat(digest).isEmpty()) {
            return Optional.empty();
        }
        String key = keys.blob(digest);
        try {
            return Optional.of(new BlobLocation.Redirect(presigner
                    .get()
                    .presignGetObject(p -> p.signatureDuration(presignExpiry)
                            .getObjectRequest(g -> g.bucket(objects.bucket()).key(key)))
                    .url()
                    .toURI()));
        } catch (URISyntaxException | SdkException e) {
            throw new UncheckedIOException(S3Objects.failure("presign " + key, e));
        }
    }

    @Override
    public InputStream open(Digest digest, long offset) throws IOException {
        return objects.get(keys.blob(digest), offset, -1);
    }

    @Override
    public InputStream open(Digest digest, long offset, long length) throws IOException {
        return objects.get(keys.blob(digest), offset, length);
    }

    @Override
    public void delete(Digest digest) throws IOException {
        objects.delete(keys.blob(digest));
    }

    @Override
    public void forEachBlob(Consumer<Digest> each) throws IOException {
        objects.forEach(keys.blobs(), object -> keys.digestOf(object.key()).ifPresent(each));
    }

    // ---- uploads --------------------------------------------------------------------------------

    @Override
    public void createUpload(UUID upload) throws IOException {
        uploads.create(upload);
    }

    @Override
    public long uploadSize(UUID upload) throws IOException {
        return uploads.size(upload);
    }

    @Override
    public long append(UUID upload, long offset, InputStream in, long limit, MessageDigest hasher) throws IOException {
        return uploads.append(upload, offset, in, limit, hasher);
    }

    @Override
    public void truncateUpload(UUID upload, long size) throws IOException {
        uploads.truncate(upload, size);
    }

    @Override
    public InputStream openUpload(UUID upload) throws IOException {
        return uploads.open(upload);
    }

    @Override
    public void stageUpload(UUID upload, Digest digest, long size) throws IOException {
        uploads.place(upload, keys.blob(digest), size);
    }

    @Override
    public void commitUpload(UUID upload, Digest digest, long size) throws IOException {
        uploads.commit(upload, keys.blob(digest), size);
    }

    @Override
    public void deleteUpload(UUID upload) throws IOException {
        uploads.delete(upload);
    }

    /**
     * Aborts the multipart uploads begun before the cutoff (appends and commits that were cut
     * off), and deletes uploads nobody wrote to since, whose session the registry has purged.
     */
    @Override
    public int removeLeftoversBefore(Instant cutoff) throws IOException {
        return objects.abortMultipartUploads(keys.root(), cutoff) + uploads.deleteIdleSince(cutoff);
    }

    @Override
    public void close() {
        s3.close();
        presigner.ifPresent(S3Presigner::close);
    }
}
