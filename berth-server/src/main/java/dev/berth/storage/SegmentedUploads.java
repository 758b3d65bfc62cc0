package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads in progress for the object-store drivers, kept entirely in the bucket so that any replica can take an upload's next
 * request: a marker object says the upload exists, and each append is one segment object named by
 * its offset and a nonce ({@link ObjectKeys}). The driver supplies the object operations
 * ({@link SegmentStore}). An upload's bytes are its segments in offset order,
 * which must tile it without gap or overlap; anything else (two writers racing on one offset,
 * bytes gone missing) makes every read and the commit refuse, rather than guess.
 */
final class SegmentedUploads {
    private static final Logger log = LoggerFactory.getLogger(SegmentedUploads.class);

    private final SegmentStore objects;
    private final ObjectKeys keys;

    SegmentedUploads(SegmentStore objects, ObjectKeys keys) {
        this.objects = objects;
        this.keys = keys;
    }

    /** One append's bytes: {@code size} bytes of the upload from {@code start}. */
    record Segment(String key, long start, long size) {
        long end() {
            return start + size;
        }
    }

    /** An upload's segments as listed, in offset order (possibly overlapping, if writers raced). */
    private record Listing(UUID upload, List<Segment> segments) {
        /** The segments that start before {@code limit}, checked to tile the upload from 0. */
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

    void create(UUID upload) throws IOException {
        objects.put(keys.marker(upload), new byte[0], 0);
    }

    long size(UUID upload) throws IOException {
        return end(list(upload).chain(Long.MAX_VALUE));
    }

    long append(UUID upload, long offset, InputStream in, long limit, MessageDigest hasher) throws IOException {
        cut(upload, list(upload), offset);
        return objects.write(keys.newSegment(upload, offset), in, limit, hasher);
    }

    void truncate(UUID upload, long size) throws IOException {
        cut(upload, list(upload), size);
    }

    InputStream open(UUID upload) throws IOException {
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
                try {
                    return objects.get(segments.next().key(), 0, -1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }

    /**
     * Places the upload's bytes at {@code target} unless they are there already, if it holds
     * exactly {@code size} of them; keeps the upload.
     */
    void place(UUID upload, String target, long size) throws IOException {
        List<Segment> chain = list(upload).chain(Long.MAX_VALUE);
        if (end(chain) != size) {
            throw new IOException("upload " + upload + " holds " + end(chain) + " bytes, not " + size);
        }
        // Content-addressed: an object already at the key with this size holds these very bytes.
        if (objects.head(target).orElse(-1) != size) {
            objects.compose(chain, target, size);
        }
    }

    /** Places the upload's bytes at {@code target} (unless staged there already), then removes the upload. */
    void commit(UUID upload, String target, long size) throws IOException {
        place(upload, target, size);
        try {
            delete(upload);
        } catch (IOException e) {
            // The blob is in place; the leftovers go with the stale upload purge.
            log.warn("event=upload_cleanup_failed upload={} reason=\"{}\"", upload, e.toString());
        }
    }

    void delete(UUID upload) throws IOException {
        // The marker first: from then on the upload is unknown to every replica.
        objects.delete(keys.marker(upload));
        for (SegmentStore.Stored object : objects.list(keys.upload(upload))) {
            objects.delete(object.key());
        }
        objects.abandonWrites(keys.upload(upload), Instant.MAX);
    }

    /** Deletes uploads whose objects were all last written before the cutoff; returns how many. */
    int deleteIdleSince(Instant cutoff) throws IOException {
        Map<UUID, Instant> newest = new HashMap<>();
        for (SegmentStore.Stored object : objects.list(keys.uploads())) {
            keys.uploadOf(object.key())
                    .ifPresent(u -> newest.merge(u, object.lastModified(), (a, b) -> a.isAfter(b) ? a : b));
        }
        int deleted = 0;
        for (Map.Entry<UUID, Instant> entry : newest.entrySet()) {
            if (entry.getValue().isBefore(cutoff)) {
                delete(entry.getKey());
                deleted++;
            }
        }
        return deleted;
    }

    private Listing list(UUID upload) throws IOException {
        boolean exists = false;
        List<Segment> segments = new ArrayList<>();
        for (SegmentStore.Stored object : objects.list(keys.upload(upload))) {
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
                objects.delete(s.key());
            }
        }
        if (!kept.isEmpty() && kept.getLast().end() > size) {
            Segment last = kept.getLast();
            long length = size - last.start();
            try (InputStream head = objects.get(last.key(), 0, length)) {
                objects.write(keys.newSegment(upload, last.start()), head, length, null);
            }
            objects.delete(last.key());
        }
    }
}
