package dev.berth.storage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where blob bytes live ({@code berth.storage.*}, or {@code BERTH_STORAGE_*} in the environment).
 *
 * @param type {@code filesystem} (under {@code berth.data-dir}, the default), {@code s3},
 *     {@code gcs} (Google Cloud Storage) or {@code azure} (Azure Blob Storage)
 * @param s3 the S3 driver's settings, read only when {@code type} is {@code s3}
 * @param gcs the Google Cloud Storage driver's settings, read only when {@code type} is {@code gcs}
 * @param azure the Azure Blob driver's settings, read only when {@code type} is {@code azure}
 */
@ConfigurationProperties("berth.storage")
public record StorageSettings(
        @DefaultValue("filesystem") Type type,
        @DefaultValue S3 s3,
        @DefaultValue Gcs gcs,
        @DefaultValue Azure azure) {
    public enum Type {
        FILESYSTEM,
        S3,
        GCS,
        AZURE
    }

    /** What the object-store drivers' settings share: a root directory that their keys live under. */
    sealed interface ObjectStore permits S3, Gcs, Azure {
        String rootDirectory();

        /** The root directory normalised to a key prefix, {@code ""} or {@code "a/b/"}. */
        default String keyPrefix() {
            String trimmed = rootDirectory().replaceAll("^/+|/+$", "");
            return trimmed.isEmpty() ? "" : trimmed + "/";
        }
    }

    /** Refuses to start with a size setting outside the driver's {@code [min, max]} bytes. */
    private static void requireSize(String property, DataSize size, long min, long max, String range) {
        if (size.toBytes() < min || size.toBytes() > max) {
            throw new IllegalStateException(property + " must be between " + range);
        }
    }

    /** A buffer one upload request in flight holds is an array: its size must fit one. */
    private static final long MAX_BUFFER = Integer.MAX_VALUE - 8;

    /**
     * @param bucket the bucket, which must exist
     * @param keyFile a service account's JSON key file; empty for Application Default Credentials
     *     (workload identity, the metadata server, {@code GOOGLE_APPLICATION_CREDENTIALS})
     * @param rootDirectory an object name prefix under which everything of Berth's lives
     * @param chunkSize the size of the objects an append is written in (and of the memory buffer one
     *     upload request in flight holds); GCS composes them server-side
     * @param endpoint the JSON API's base URL; empty for Google's own ({@code https://storage.googleapis.com})
     * @param projectId the project, for a key file that does not name one; rarely needed
     */
    public record Gcs(
            @DefaultValue("") String bucket,
            @DefaultValue("") String keyFile,
            @DefaultValue("") String rootDirectory,
            @DefaultValue("8MB") DataSize chunkSize,
            @DefaultValue("") String endpoint,
            @DefaultValue("") String projectId)
            implements ObjectStore {

        void validate() {
            if (bucket.isBlank()) {
                throw new IllegalStateException("berth.storage.gcs.bucket (BERTH_STORAGE_GCS_BUCKET) must be set");
            }
            requireSize("berth.storage.gcs.chunk-size", chunkSize, 256 * 1024, MAX_BUFFER, "256KB and 2GB");
        }
    }

    /**
     * @param accountName the storage account
     * @param accountKey the account's shared key
     * @param container the blob container, which must exist
     * @param realm the domain of the account's endpoint, {@code https://<account>.blob.<realm>}:
     *     {@code core.windows.net}, or a sovereign cloud's ({@code core.chinacloudapi.cn}, …)
     * @param endpoint the Blob service's URL, overriding the one {@code realm} makes (Azurite, a
     *     private endpoint)
     * @param rootDirectory a blob name prefix under which everything of Berth's lives
     * @param chunkSize the size of the blocks appends are staged in (and of the memory buffer one
     *     upload request in flight holds)
     */
    public record Azure(
            @DefaultValue("") String accountName,
            @DefaultValue("") String accountKey,
            @DefaultValue("") String container,
            @DefaultValue("core.windows.net") String realm,
            @DefaultValue("") String endpoint,
            @DefaultValue("") String rootDirectory,
            @DefaultValue("8MB") DataSize chunkSize)
            implements ObjectStore {

        /** The Blob service's URL. */
        String serviceUrl() {
            return endpoint.isBlank() ? "https://" + accountName + ".blob." + realm : endpoint.replaceAll("/+$", "");
        }

        void validate() {
            if (accountName.isBlank() || accountKey.isBlank() || container.isBlank()) {
                throw new IllegalStateException(
                        "berth.storage.azure.account-name, account-key and container (BERTH_STORAGE_AZURE_ACCOUNT_NAME, _ACCOUNT_KEY, _CONTAINER) must be set");
            }
            requireSize("berth.storage.azure.chunk-size", chunkSize, 64 * 1024, MAX_BUFFER, "64KB and 2GB");
        }
    }

    /**
     * @param endpoint the S3 API's URL; empty for AWS itself (the region picks the endpoint)
     * @param region the bucket's region; MinIO and Ceph accept {@code us-east-1}, R2 wants {@code auto}
     * @param bucket the bucket, which must exist
     * @param accessKey with {@code secretKey}, static credentials; both empty for the AWS default
     *     credential chain (environment, profile, web identity, container and instance roles)
     * @param secretKey see {@code accessKey}
     * @param pathStyle {@code <endpoint>/<bucket>/<key>} addressing instead of {@code <bucket>.<host>};
     *     needed by MinIO and most self-hosted servers
     * @param rootDirectory a key prefix under which everything of Berth's lives, for a shared bucket
     * @param redirect answer blob pulls with a 307 redirect to a presigned URL (clients must reach
     *     the S3 endpoint); off, Berth streams the bytes itself
     * @param presignExpiry how long a presigned URL stays valid
     * @param publicEndpoint the endpoint presigned URLs point at, when clients reach S3 at another
     *     address than Berth does; empty for {@code endpoint}
     * @param partSize the size of multipart upload parts, and of the memory buffer one upload
     *     request in flight holds; at least 5MB
     * @param encrypt write every object with server-side encryption: SSE-S3 ({@code AES256}), or
     *     SSE-KMS when {@code kmsKeyId} is set
     * @param kmsKeyId the KMS key (id, ARN or alias) for SSE-KMS; needs {@code encrypt}
     * @param storageClass the storage class objects are written with ({@code STANDARD},
     *     {@code STANDARD_IA}, {@code INTELLIGENT_TIERING}, …); empty or {@code NONE} for the bucket's
     *     default
     * @param skipVerify accept any certificate from the S3 endpoint (a warning is logged at start)
     * @param caBundle a PEM file of CA certificates trusted for the S3 endpoint besides the JDK's own
     * @param copyThreshold a blob committed from one segment larger than this is copied to its key
     *     in parts (UploadPartCopy) instead of one CopyObject; at most 5GB, S3's CopyObject limit
     * @param copyPartSize the size of those parts (5MB to 5GB)
     * @param copyConcurrency how many of those parts are copied at once
     */
    public record S3(
            @DefaultValue("") String endpoint,
            @DefaultValue("us-east-1") String region,
            @DefaultValue("") String bucket,
            @DefaultValue("") String accessKey,
            @DefaultValue("") String secretKey,
            @DefaultValue("false") boolean pathStyle,
            @DefaultValue("") String rootDirectory,
            @DefaultValue("true") boolean redirect,
            @DefaultValue("20m") Duration presignExpiry,
            @DefaultValue("") String publicEndpoint,
            @DefaultValue("8MB") DataSize partSize,
            @DefaultValue("false") boolean encrypt,
            @DefaultValue("") String kmsKeyId,
            @DefaultValue("") String storageClass,
            @DefaultValue("false") boolean skipVerify,
            @DefaultValue("") String caBundle,
            @DefaultValue("5GB") DataSize copyThreshold,
            @DefaultValue("5GB") DataSize copyPartSize,
            @DefaultValue("4") int copyConcurrency)
            implements ObjectStore {

        void validate() {
            if (bucket.isBlank()) {
                throw new IllegalStateException("berth.storage.s3.bucket (BERTH_STORAGE_S3_BUCKET) must be set");
            }
            if (accessKey.isBlank() != secretKey.isBlank()) {
                throw new IllegalStateException(
                        "berth.storage.s3.access-key and secret-key must be set together, or both left empty");
            }
            requireSize("berth.storage.s3.part-size", partSize, S3BlobStore.MIN_PART, MAX_BUFFER, "5MB and 2GB");
            if (presignExpiry.isNegative()
                    || presignExpiry.isZero()
                    || presignExpiry.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalStateException("berth.storage.s3.presign-expiry must be between 1s and 7d");
            }
            if (!kmsKeyId.isBlank() && !encrypt) {
                throw new IllegalStateException(
                        "berth.storage.s3.kms-key-id needs berth.storage.s3.encrypt=true (SSE-KMS is server-side encryption)");
            }
            S3WriteOptions.storageClass(storageClass);
            if (!caBundle.isBlank() && skipVerify) {
                throw new IllegalStateException(
                        "berth.storage.s3.ca-bundle and skip-verify exclude each other: a CA bundle is for verifying");
            }
            requireSize(
                    "berth.storage.s3.copy-threshold",
                    copyThreshold,
                    S3BlobStore.MIN_PART,
                    S3BlobStore.MAX_COPY,
                    "5MB and 5GB");
            requireSize(
                    "berth.storage.s3.copy-part-size",
                    copyPartSize,
                    S3BlobStore.MIN_PART,
                    S3BlobStore.MAX_COPY,
                    "5MB and 5GB");
            if (copyConcurrency < 1 || copyConcurrency > 100) {
                throw new IllegalStateException("berth.storage.s3.copy-concurrency must be between 1 and 100");
            }
        }
    }
}
