package dev.berth.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs as objects in an S3 bucket ({@link S3Keys} draws the layout). Everything an upload has is
 * in the bucket, so any replica can take the next chunk of an upload another one began; each
 * append becomes one segment object (a multipart upload when it is larger than a part), and the
 * commit composes the segments at the blob's key server-side (CopyObject or UploadPartCopy),
 * downloading only segments too small to be a part. The blob's object appears whole when its
 * final request completes, so an interrupted upload never leaves a visible blob.
 */
public final class S3BlobStore implements ListableBlobStore, AutoCloseable {
    static final long MIN_PART = 5L * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);

    private final S3Client s3;
    private final Optional<S3Presigner> presigner;
    private final String bucket;
    private final S3Keys keys;
    private final int partSize;
    private final Duration presignExpiry;

    /**
     * @param presigner present when pulls are redirected to presigned URLs
     */
    S3BlobStore(S3Client s3, Optional<S3Presigner> presigner, StorageSettings.S3 settings) {
        settings.validate();
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = settings.bucket();
        this.keys = new S3Keys(settings.keyPrefix());
        this.partSize = (int) settings.partSize().toBytes();
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
            return head(keys.blob(digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private OptionalLong head(String key) throws IOException {
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
                            .getObjectRequest(g -> g.bucket(bucket).key(key)))
                    .url()
                    .toURI()));
        } catch (URISyntaxException | SdkException e) {
            throw new UncheckedIOException(failure("presign " + key, e));
        }
    }

    @Override
    public InputStream open(Digest digest, long offset) throws IOException {
        return get(keys.blob(digest), offset, -1);
    }

    @Override
    public InputStream open(Digest digest, long offset, long length) throws IOException {
        return get(keys.blob(digest), offset, length);
    }

    /** The object's bytes from {@code offset}, {@code length} of them or all ({@code -1}). */
    private InputStream get(String key, long offset, long length) throws IOException {
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

    @Override
    public void delete(Digest digest) throws IOException {
        deleteObject(keys.blob(digest));
    }

    @Override
    public void forEachBlob(Consumer<Digest> each) throws IOException {
        try {
            for (S3Object object : s3.listObjectsV2Paginator(
                            r -> r.bucket(bucket).prefix(keys.blobs()))
                    .contents()) {
                keys.digestOf(object.key()).ifPresent(each);
            }
        } catch (SdkException e) {
            throw failure("LIST " + keys.blobs(), e);
        }
    }

    // ---- uploads --------------------------------------------------------------------------------

    @Override
    public void createUpload(UUID upload) throws IOException {
        put(keys.marker(upload), new byte[0], 0);
    }

    @Override
    public long uploadSize(UUID upload) throws IOException {
        return end(list(upload).chain(Long.MAX_VALUE));
    }

    @Override
    public long append(UUID upload, long offset, InputStream in, long limit, MessageDigest hasher) throws IOException {
        cut(upload, list(upload), offset);
        return writeSegment(keys.newSegment(upload, offset), in, limit, hasher);
    }

    @Override
    public void truncateUpload(UUID upload, long size) throws IOException {
        cut(upload, list(upload), size);
    }

    @Override
    public InputStream openUpload(UUID upload) throws IOException {
        Iterator<Segment> segments = list(upload).chain(Long.MAX_VALUE).iterator();
        return new SequenceInputStream(new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return segments.hasNext();
            }

            @Override
            public InputStream nextElement() {
                if (!segments.hasNext()) {
                    throw new NoSuchElementException();
                }
                String key = segments.next().key();
                try {
                    return get(key, 0, -1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }

    @Override
    public void commitUpload(UUID upload, Digest digest, long size) throws IOException {
        List<Segment> chain = list(upload).chain(Long.MAX_VALUE);
        if (end(chain) != size) {
            throw new IOException("upload " + upload + " holds " + end(chain) + " bytes, not " + size);
        }
        String target = keys.blob(digest);
        // Content-addressed: an object already at the key with this size holds these very bytes.
        if (head(target).orElse(-1) != size) {
            try {
                new S3Composer(s3, bucket, partSize).compose(chain, target, size);
            } catch (SdkException e) {
                throw failure("commit to " + target, e);
            }
        }
        try {
            deleteUpload(upload);
        } catch (IOException e) {
            // The blob is in place; the leftovers go with the stale upload purge.
            log.warn("event=s3_upload_cleanup_failed upload={} reason=\"{}\"", upload, e.toString());
        }
    }

    @Override
    public void deleteUpload(UUID upload) throws IOException {
        // The marker first: from then on the upload is unknown to every replica.
        deleteObject(keys.marker(upload));
        for (S3Object object : listAll(keys.upload(upload))) {
            deleteObject(object.key());
        }
        abortMultipartUploads(keys.upload(upload), Instant.MAX);
    }

    /**
     * Aborts multipart uploads begun before the cutoff (appends and commits that were cut off) and
     * deletes upload objects nobody wrote to since, whose session the registry has purged.
     */
    @Override
    public int removeLeftoversBefore(Instant cutoff) throws IOException {
        int removed = abortMultipartUploads(keys.root(), cutoff);
        java.util.Map<UUID, Instant> newest = new java.util.HashMap<>();
        for (S3Object object : listAll(keys.uploads())) {
            keys.uploadOf(object.key())
                    .ifPresent(u -> newest.merge(u, object.lastModified(), (a, b) -> a.isAfter(b) ? a : b));
        }
        for (var entry : newest.entrySet()) {
            if (entry.getValue().isBefore(cutoff)) {
                deleteUpload(entry.getKey());
                removed++;
            }
        }
        return removed;
    }

    private int abortMultipartUploads(String prefix, Instant initiatedBefore) throws IOException {
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

    // ---- segments -------------------------------------------------------------------------------

    /** One append's bytes: {@code size} bytes of the upload from {@code start}. */
    record Segment(String key, long start, long size) {
        long end() {
            return start + size;
        }
    }

    /** An upload's segments as listed, in offset order (possibly overlapping, if writers raced). */
    private record Listing(UUID upload, List<Segment> segments) {
        /**
         * The segments that start before {@code limit}, checked to tile the upload from 0 without
         * gap or overlap: anything else means two writers raced or bytes went missing, and the
         * upload cannot be trusted.
         */
        List<Segment> chain(long limit) throws IOException {
            List<Segment> chain = new ArrayList<>();
            long expected = 0;
            for (Segment s : segments) {
                if (s.start() >= limit) {
                    break;
                }
                if (s.start() != expected) {
                    throw new IOException("upload " + upload + " is inconsistent: a segment starts at " + s.start()
                            + " where " + expected + " was expected");
                }
                chain.add(s);
                expected = s.end();
            }
            return chain;
        }
    }

    private Listing list(UUID upload) throws IOException {
        boolean exists = false;
        List<Segment> segments = new ArrayList<>();
        for (S3Object object : listAll(keys.upload(upload))) {
            if (keys.isMarker(upload, object.key())) {
                exists = true;
            } else {
                keys.segmentOffset(upload, object.key())
                        .ifPresent(start -> segments.add(new Segment(object.key(), start, object.size())));
            }
        }
        if (!exists) {
            throw new NoSuchFileException("upload " + upload);
        }
        segments.sort(Comparator.comparingLong(Segment::start).thenComparing(Segment::key));
        return new Listing(upload, segments);
    }

    private static long end(List<Segment> chain) {
        return chain.isEmpty() ? 0 : chain.getLast().end();
    }

    /** Cuts the upload back to {@code size} bytes: later segments go, one straddling it is rewritten shorter. */
    private void cut(UUID upload, Listing listing, long size) throws IOException {
        List<Segment> kept = listing.chain(size);
        if (end(kept) < size) {
            throw new IOException("upload " + upload + " holds " + end(kept) + " bytes, fewer than " + size);
        }
        for (Segment s : listing.segments()) {
            if (s.start() >= size) {
                deleteObject(s.key());
            }
        }
        if (!kept.isEmpty() && kept.getLast().end() > size) {
            Segment last = kept.getLast();
            long length = size - last.start();
            try (InputStream head = get(last.key(), 0, length)) {
                writeSegment(keys.newSegment(upload, last.start()), head, length, null);
            }
            deleteObject(last.key());
        }
    }

    /**
     * Streams up to {@code limit} bytes into a new segment object: one PutObject when they fit in
     * a part, a multipart upload otherwise. Nothing is visible under the key until every byte is
     * stored; on failure the multipart upload is aborted.
     */
    private long writeSegment(String key, InputStream in, long limit, MessageDigest hasher) throws IOException {
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
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        } catch (SdkException e) {
            throw failure("multipart upload of " + key, e);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>();
            while (buffer.size() > 0) {
                parts.add(uploadPart(key, uploadId, parts.size() + 1, buffer));
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

    private CompletedPart uploadPart(String key, String uploadId, int number, PartBuffer buffer) {
        String etag = s3.uploadPart(
                        r -> r.bucket(bucket)
                                .key(key)
                                .uploadId(uploadId)
                                .partNumber(number)
                                .contentLength((long) buffer.size()),
                        RequestBody.fromInputStream(
                                new ByteArrayInputStream(buffer.bytes(), 0, buffer.size()), buffer.size()))
                .eTag();
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    private void abortQuietly(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            log.warn("event=s3_abort_failed key={} reason=\"{}\"", key, e.toString());
        }
    }

    private void put(String key, byte[] bytes, int length) throws IOException {
        try {
            s3.putObject(
                    r -> r.bucket(bucket).key(key).contentLength((long) length),
                    RequestBody.fromInputStream(new ByteArrayInputStream(bytes, 0, length), length));
        } catch (SdkException e) {
            throw failure("PUT " + key, e);
        }
    }

    private void deleteObject(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            // already gone: deleting is idempotent
        } catch (SdkException e) {
            throw failure("DELETE " + key, e);
        }
    }

    private List<S3Object> listAll(String prefix) throws IOException {
        try {
            List<S3Object> objects = new ArrayList<>();
            s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))
                    .contents()
                    .forEach(objects::add);
            return objects;
        } catch (SdkException e) {
            throw failure("LIST " + prefix, e);
        }
    }

    private static IOException failure(String what, Exception e) {
        return new IOException("S3 " + what + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        s3.close();
        presigner.ifPresent(S3Presigner::close);
    }
}
