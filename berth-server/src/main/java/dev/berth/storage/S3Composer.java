package dev.berth.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Puts an upload's segments together at a blob's key. One segment is copied server-side; several
 * become the parts of a multipart upload, large segments copied server-side (UploadPartCopy) and
 * small ones downloaded and merged until they make a part of at least 5 MiB, as S3 requires of
 * every part but the last. Nothing is visible at the key until the final request succeeds.
 */
final class S3Composer {
    private final S3Objects objects;
    private final S3WriteOptions options;
    private final Copying copying;
    private final S3Client s3;
    private final String bucket;
    private final int partSize;

    /**
     * How server-side copies are made: one CopyObject up to {@code threshold} bytes, above it
     * UploadPartCopy parts of at most {@code partSize}, {@code concurrency} at a time.
     */
    record Copying(long threshold, long partSize, int concurrency) {
        static Copying of(StorageSettings.S3 settings) {
            return new Copying(
                    settings.copyThreshold().toBytes(), settings.copyPartSize().toBytes(), settings.copyConcurrency());
        }
    }

    /** @param options what the composed blob objects are written with */
    S3Composer(S3Objects objects, S3WriteOptions options, Copying copying) {
        this.objects = objects;
        this.options = options;
        this.copying = copying;
        this.s3 = objects.client();
        this.bucket = objects.bucket();
        this.partSize = objects.partSize();
    }

    void compose(List<SegmentedUploads.Segment> chain, String target, long size) throws IOException {
        if (chain.size() == 1 && size <= copying.threshold()) {
            String source = chain.getFirst().key();
            s3.copyObject(r -> options.on(r.sourceBucket(bucket)
                    .sourceKey(source)
                    .destinationBucket(bucket)
                    .destinationKey(target)));
            return;
        }
        if (size <= partSize) {
            ByteArrayOutputStream all = new ByteArrayOutputStream((int) size);
            for (SegmentedUploads.Segment s : chain) {
                download(s, 0, s.size(), all);
            }
            objects.put(target, all.toByteArray(), (int) size, options);
            return;
        }
        String uploadId = s3.createMultipartUpload(
                        r -> options.on(r.bucket(bucket).key(target)))
                .uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            for (SegmentedUploads.Segment s : chain) {
                long pos = 0;
                while (pos < s.size()) {
                    if (pending.size() >= S3BlobStore.MIN_PART) {
                        parts.add(part(target, uploadId, parts.size() + 1, pending));
                        pending.reset();
                    }
                    long remaining = s.size() - pos;
                    if (pending.size() == 0 && remaining >= S3BlobStore.MIN_PART) {
                        copy(s, pos, s.size(), target, uploadId, parts);
                        pos = s.size();
                    } else {
                        // Top the pending bytes up to a part; take the whole rest if what would
                        // be left of the segment is too small to be copied as a part of its own.
                        long need = S3BlobStore.MIN_PART - pending.size();
                        long take = remaining - need >= S3BlobStore.MIN_PART ? need : remaining;
                        download(s, pos, take, pending);
                        pos += take;
                    }
                }
            }
            if (pending.size() > 0) {
                parts.add(part(target, uploadId, parts.size() + 1, pending));
            }
            s3.completeMultipartUpload(
                    r -> r.bucket(bucket).key(target).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            objects.abortQuietly(target, uploadId);
            throw e;
        }
    }

    /**
     * Copies bytes {@code [from, to)} of a segment, at least 5 MiB, as parts of nearly equal size:
     * as few as keep each within the copy part size, but never so many that one falls under S3's
     * 5 MiB minimum; up to the copy concurrency at once.
     */
    private void copy(
            SegmentedUploads.Segment s, long from, long to, String target, String uploadId, List<CompletedPart> parts)
            throws IOException {
        long length = to - from;
        long pieces = Math.max(1, Math.min(Math.ceilDiv(length, copying.partSize()), length / S3BlobStore.MIN_PART));
        long base = length / pieces;
        long longer = length % pieces; // the first ones take one byte more
        int first = parts.size() + 1;
        List<Callable<CompletedPart>> copies = new ArrayList<>();
        long start = from;
        for (long i = 0; i < pieces; i++) {
            long end = start + base + (i < longer ? 1 : 0);
            int number = first + copies.size();
            String range = "bytes=" + start + "-" + (end - 1);
            start = end;
            copies.add(() -> {
                String etag = s3.uploadPartCopy(r -> r.sourceBucket(bucket)
                                .sourceKey(s.key())
                                .destinationBucket(bucket)
                                .destinationKey(target)
                                .uploadId(uploadId)
                                .partNumber(number)
                                .copySourceRange(range))
                        .copyPartResult()
                        .eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
            });
        }
        if (copies.size() == 1 || copying.concurrency() == 1) {
            for (Callable<CompletedPart> c : copies) {
                parts.add(call(c));
            }
            return;
        }
        Semaphore slots = new Semaphore(copying.concurrency());
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<CompletedPart>> copied = new ArrayList<>();
            for (Callable<CompletedPart> c : copies) {
                copied.add(executor.submit(() -> {
                    slots.acquire();
                    try {
                        return c.call();
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<CompletedPart> f : copied) {
                parts.add(result(f));
            }
        }
    }

    private static CompletedPart call(Callable<CompletedPart> copy) throws IOException {
        try {
            return copy.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static CompletedPart result(Future<CompletedPart> copy) throws IOException {
        try {
            return copy.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while copying parts");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        }
    }

    private void download(SegmentedUploads.Segment s, long from, long length, ByteArrayOutputStream into)
            throws IOException {
        try (InputStream in = objects.get(s.key(), from, length)) {
            long copied = in.transferTo(into);
            if (copied != length) {
                throw new IOException("segment " + s.key() + " gave " + copied + " bytes, not " + length);
            }
        }
    }

    private CompletedPart part(String target, String uploadId, int number, ByteArrayOutputStream pending) {
        byte[] bytes = pending.toByteArray();
        return objects.uploadPart(target, uploadId, number, bytes, bytes.length);
    }
}
