package dev.berth.storage;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the object-store drivers (S3, Google Cloud Storage, Azure Blob) keep things in their bucket
 * or container:
 *
 * <pre>
 * &lt;root-directory&gt;/
 *   blobs/&lt;algorithm&gt;/&lt;first two hex&gt;/&lt;hex&gt;       committed, immutable; an object appears whole
 *                                                   (a single put, a copy or a completed compose)
 *   uploads/&lt;upload uuid&gt;/started                    empty marker: the upload exists
 *   uploads/&lt;upload uuid&gt;/data/&lt;offset&gt;-&lt;nonce&gt;      the bytes of one append from {@code offset}
 *                                                   (19 digits); the random nonce keeps two writers
 *                                                   from ever overwriting one another's bytes
 * </pre>
 *
 * An upload's bytes are its segments in offset order; they must tile it without gap or overlap.
 * S3's multipart uploads in progress live at a segment's key (one append larger than a part) or at
 * a blob's key (a commit composing several segments) until completed or aborted; Google Cloud
 * Storage's compose steps leave intermediate objects under {@code uploads/<upload uuid>/compose/}
 * only while a commit runs.
 */
final class ObjectKeys {
    private static final String BLOBS = "blobs/";
    private static final String UPLOADS = "uploads/";
    private static final String MARKER = "started";
    private static final String DATA = "data/";
    private static final int OFFSET_DIGITS = 19;

    private final String root;

    ObjectKeys(String root) {
        this.root = root;
    }

    String root() {
        return root;
    }

    String blob(Digest digest) {
        String hex = digest.hex();
        return root + BLOBS + digest.algorithm().prefix() + "/" + hex.substring(0, 2) + "/" + hex;
    }

    String blobs() {
        return root + BLOBS;
    }

    /** The digest a blob key names, if it is one. */
    Optional<Digest> digestOf(String key) {
        if (!key.startsWith(root + BLOBS)) {
            return Optional.empty();
        }
        String[] parts = key.substring(root.length() + BLOBS.length()).split("/");
        if (parts.length != 3 || !parts[2].startsWith(parts[1])) {
            return Optional.empty();
        }
        return Digest.parse(parts[0] + ":" + parts[2]);
    }

    String uploads() {
        return root + UPLOADS;
    }

    String upload(UUID upload) {
        return root + UPLOADS + upload + "/";
    }

    String marker(UUID upload) {
        return upload(upload) + MARKER;
    }

    boolean isMarker(UUID upload, String key) {
        return key.equals(marker(upload));
    }

    /** A fresh key for a segment from {@code offset}. */
    String newSegment(UUID upload, long offset) {
        return upload(upload)
                + DATA
                + String.format("%0" + OFFSET_DIGITS + "d", offset)
                + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    /** The offset a segment key starts at, if the key is a segment of the upload. */
    Optional<Long> segmentOffset(UUID upload, String key) {
        String prefix = upload(upload) + DATA;
        if (!key.startsWith(prefix) || key.length() < prefix.length() + OFFSET_DIGITS + 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(key.substring(prefix.length(), prefix.length() + OFFSET_DIGITS)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The upload a key under {@code uploads/} belongs to, if any. */
    Optional<UUID> uploadOf(String key) {
        String prefix = root + UPLOADS;
        int slash = key.indexOf('/', prefix.length());
        if (!key.startsWith(prefix) || slash < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(key.substring(prefix.length(), slash)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
