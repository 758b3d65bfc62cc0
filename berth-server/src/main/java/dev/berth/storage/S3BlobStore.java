package dev.berth.storage;

import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs as objects in an S3 bucket ({@link ObjectKeys} draws the layout, {@link ObjectBlobStore}
 * keeps uploads and blobs there); the commit composes the upload's segments at the blob's key
 * server-side ({@link S3Composer}). Pulls may be redirected to presigned URLs.
 */
public final class S3BlobStore extends ObjectBlobStore {
    static final long MIN_PART = 5L * 1024 * 1024;
    /** The largest object CopyObject copies, and the largest part UploadPartCopy copies. */
    static final long MAX_COPY = 5L * 1024 * 1024 * 1024;

    private final S3Client s3;
    private final Optional<S3Presigner> presigner;
    private final String bucket;
    private final Duration presignExpiry;

    /**
     * @param presigner present when pulls are redirected to presigned URLs
     */
    S3BlobStore(S3Client s3, Optional<S3Presigner> presigner, StorageSettings.S3 settings) {
        this(s3, presigner, settings, objects(s3, settings));
    }

    private S3BlobStore(S3Client s3, Optional<S3Presigner> presigner, StorageSettings.S3 settings, S3Objects objects) {
        super(
                new S3Segments(
                        objects, new S3Composer(objects, S3WriteOptions.of(settings), S3Composer.Copying.of(settings))),
                new ObjectKeys(settings.keyPrefix()),
                () -> {
                    s3.close();
                    presigner.ifPresent(S3Presigner::close);
                });
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = settings.bucket();
        this.presignExpiry = settings.presignExpiry();
    }

    private static S3Objects objects(S3Client s3, StorageSettings.S3 settings) {
        settings.validate();
        return new S3Objects(
                s3,
                settings.bucket(),
                (int) settings.partSize().toBytes(),
                S3WriteOptions.of(settings).staging());
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

    /** A presigned URL, when pulls are redirected. */
    @Override
    public Optional<BlobLocation> locate(Digest digest) {
        if (presigner.isEmpty() || stat(digest).isEmpty()) {
            return Optional.empty();
        }
        String key = key(digest);
        try {
            return Optional.of(new BlobLocation.Redirect(presigner
                    .get()
                    .presignGetObject(p -> p.signatureDuration(presignExpiry)
                            .getObjectRequest(g -> g.bucket(bucket).key(key)))
                    .url()
                    .toURI()));
        } catch (URISyntaxException | SdkException e) {
            throw new UncheckedIOException(S3Objects.failure("presign " + key, e));
        }
    }
}
