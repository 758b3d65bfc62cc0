package dev.berth.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Puts an upload's segments together at a blob's key. One segment is copied server-side; several
 * become the parts of a multipart upload, large segments copied server-side (UploadPartCopy) and
 * small ones downloaded and merged until they make a part of at least 5 MiB, as S3 requires of
 * every part but the last. Nothing is visible at the key until the final request succeeds.
 */
final class S3Composer {
    private static final long MAX_COPY = 5L * 1024 * 1024 * 1024;

    private final S3Objects objects;
    private final S3Client s3;
    private final String bucket;
    private final int partSize;

    S3Composer(S3Objects objects) {
        this.objects = objects;
        this.s3 = objects.client();
        this.bucket = objects.bucket();
        this.partSize = objects.partSize();
    }

    void compose(List<S3Uploads.Segment> chain, String target, long size) throws IOException {
        if (chain.size() == 1 && size <= MAX_COPY) {
            String source = chain.getFirst().key();
            s3.copyObject(r -> r.sourceBucket(bucket)
                    .sourceKey(source)
                    .destinationBucket(bucket)
                    .destinationKey(target));
            return;
        }
        if (size <= partSize) {
            ByteArrayOutputStream all = new ByteArrayOutputStream((int) size);
            for (S3Uploads.Segment s : chain) {
                download(s, 0, s.size(), all);
            }
            objects.put(target, all.toByteArray(), (int) size);
            return;
        }
        String uploadId =
                s3.createMultipartUpload(r -> r.bucket(bucket).key(target)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            for (S3Uploads.Segment s : chain) {
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

    /** Copies bytes {@code [from, to)} of a segment as parts of at most 5 GiB, each at least half that or all. */
    private void copy(
            S3Uploads.Segment s, long from, long to, String target, String uploadId, List<CompletedPart> parts) {
        long length = to - from;
        long pieces = (length + MAX_COPY - 1) / MAX_COPY;
        long piece = (length + pieces - 1) / pieces;
        for (long start = from; start < to; start += piece) {
            long end = Math.min(to, start + piece) - 1;
            int number = parts.size() + 1;
            String range = "bytes=" + start + "-" + end;
            String etag = s3.uploadPartCopy(r -> r.sourceBucket(bucket)
                            .sourceKey(s.key())
                            .destinationBucket(bucket)
                            .destinationKey(target)
                            .uploadId(uploadId)
                            .partNumber(number)
                            .copySourceRange(range))
                    .copyPartResult()
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
    }

    private void download(S3Uploads.Segment s, long from, long length, ByteArrayOutputStream into) throws IOException {
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
