package dev.berth.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects of one bucket, as the S3 driver uses them: the SDK's unchecked exceptions become
 * {@link IOException}s (a missing object a {@link NoSuchFileException}), as the storage roles
 * promise their callers.
 */
final class S3Objects {
    private static final Logger log = LoggerFactory.getLogger(S3Objects.class);

    private final S3Client s3;
    private final String bucket;
    private final int partSize;
    private final S3WriteOptions staging;

    /**
     * @param staging what objects this writes on its own (upload segments and markers) are
     *     written with: the bucket's encryption, never a colder storage class than the default
     */
    S3Objects(S3Client s3, String bucket, int partSize, S3WriteOptions staging) {
        this.s3 = s3;
        this.bucket = bucket;
        this.partSize = partSize;
        this.staging = staging;
    }

    S3Client client() {
        return s3;
    }

    String bucket() {
        return bucket;
    }

    int partSize() {
        return partSize;
    }

    /** The object's size, or empty if there is no such object. */
    OptionalLong head(String key) throws IOException {
        try {
            return OptionalLong.of(s3.headObject(r -> r.bucket(bucket).key(key)).contentLength());
        } catch (NoSuchKeyException e) {
            return OptionalLong.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return OptionalLong.empty();
            }
            throw failure("HEAD " + key, e);
        } catch (SdkException e) {
            throw failure("HEAD " + key, e);
        }
    }

    /** The object's bytes from {@code offset}, {@code length} of them or all ({@code -1}). */
    InputStream get(String key, long offset, long length) throws IOException {
        if (length == 0) {
            head(key).orElseThrow(() -> new NoSuchFileException(key));
            return InputStream.nullInputStream();
        }
        String range = offset == 0 && length < 0
                ? null
                : "bytes=" + offset + "-" + (length < 0 ? "" : String.valueOf(offset + length - 1));
        try {
            return s3.getObject(r -> r.bucket(bucket).key(key).range(range));
        } catch (NoSuchKeyException e) {
            throw (NoSuchFileException) new NoSuchFileException(key).initCause(e);
        } catch (S3Exception e) {
            if (e.statusCode() == 416 && head(key).isPresent()) {
                return InputStream.nullInputStream(); // from the very end: nothing to read
            }
            throw e.statusCode() == 404 ? new NoSuchFileException(key) : failure("GET " + key, e);
        } catch (SdkException e) {
            throw failure("GET " + key, e);
        }
    }

    void put(String key, byte[] bytes, int length) throws IOException {
        put(key, bytes, length, staging);
    }

    void put(String key, byte[] bytes, int length, S3WriteOptions options) throws IOException {
        try {
            s3.putObject(
                    r -> options.on(r.bucket(bucket).key(key).contentLength((long) length)),
                    RequestBody.fromInputStream(new ByteArrayInputStream(bytes, 0, length), length));
        } catch (SdkException e) {
            throw failure("PUT " + key, e);
        }
    }

    /**
     * Streams up to {@code limit} bytes into a new object, feeding them to {@code hasher} (if
     * any): one PutObject when they fit in a part, a multipart upload sent part by part otherwise.
     * Nothing is visible under the key until every byte is stored; on failure the multipart upload
     * is aborted. Writes nothing for an empty stream.
     *
     * @return the number of bytes written
     */
    long write(String key, InputStream in, long limit, MessageDigest hasher) throws IOException {
        PartBuffer buffer = new PartBuffer(partSize, limit);
        long total = buffer.fill(in, limit, hasher);
        if (total == 0) {
            return 0;
        }
        if (!buffer.full() || total == limit) {
            put(key, buffer.bytes(), buffer.size());
            return total;
        }
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> staging.on(r.bucket(bucket).key(key)))
                    .uploadId();
        } catch (SdkException e) {
            throw failure("multipart upload of " + key, e);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>();
            while (buffer.size() > 0) {
                parts.add(uploadPart(key, uploadId, parts.size() + 1, buffer.bytes(), buffer.size()));
                total += buffer.refill(in, limit - total, hasher);
            }
            s3.completeMultipartUpload(
                    r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            return total;
        } catch (SdkException e) {
            abortQuietly(key, uploadId);
            throw failure("multipart upload of " + key, e);
        } catch (IOException | RuntimeException e) {
            abortQuietly(key, uploadId);
            throw e;
        }
    }

    CompletedPart uploadPart(String key, String uploadId, int number, byte[] bytes, int length) {
        String etag = s3.uploadPart(
                        r -> r.bucket(bucket)
                                .key(key)
                                .uploadId(uploadId)
                                .partNumber(number)
                                .contentLength((long) length),
                        RequestBody.fromInputStream(new ByteArrayInputStream(bytes, 0, length), length))
                .eTag();
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    void abortQuietly(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            log.warn("event=s3_abort_failed key={} reason=\"{}\"", key, e.toString());
        }
    }

    /** Deletes the object; deleting a missing one is no error. */
    void delete(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            // already gone
        } catch (SdkException e) {
            throw failure("DELETE " + key, e);
        }
    }

    /** S3's limit of keys in one {@code DeleteObjects} request. */
    private static final int DELETE_BATCH = 1000;

    /**
     * Deletes the objects with {@code DeleteObjects}, a thousand keys a request (quiet mode: only
     * failures are answered); missing keys are no error, as S3 reports them deleted.
     */
    void deleteAll(List<String> keys) throws IOException {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build())
                    .toList();
            DeleteObjectsResponse response;
            try {
                response = s3.deleteObjects(
                        r -> r.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
            } catch (SdkException e) {
                throw failure(
                        "DeleteObjects (" + batch.size() + " keys from "
                                + batch.getFirst().key() + ")",
                        e);
            }
            List<S3Error> failed = response.errors().stream()
                    .filter(e -> !"NoSuchKey".equals(e.code()))
                    .toList();
            if (!failed.isEmpty()) {
                S3Error first = failed.getFirst();
                throw new IOException("DeleteObjects failed for " + failed.size() + " keys, first " + first.key() + ": "
                        + first.code() + " " + first.message());
            }
        }
    }

    /** Calls {@code each} for every object under the prefix, page by page, in key order. */
    void forEach(String prefix, Consumer<S3Object> each) throws IOException {
        try {
            s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))
                    .contents()
                    .forEach(each);
        } catch (SdkException e) {
            throw failure("LIST " + prefix, e);
        }
    }

    /** Aborts the multipart uploads under the prefix begun before {@code initiatedBefore}. */
    int abortMultipartUploads(String prefix, Instant initiatedBefore) throws IOException {
        int aborted = 0;
        try {
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(
                            r -> r.bucket(bucket).prefix(prefix))
                    .uploads()) {
                if (u.initiated() == null || u.initiated().isBefore(initiatedBefore)) {
                    try {
                        s3.abortMultipartUpload(
                                r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
                        aborted++;
                    } catch (NoSuchUploadException e) {
                        // completed or aborted meanwhile
                    }
                }
            }
        } catch (SdkException e) {
            throw failure("multipart uploads under " + prefix, e);
        }
        return aborted;
    }

    static IOException failure(String what, Exception e) {
        return new IOException("S3 " + what + " failed: " + e.getMessage(), e);
    }
}
