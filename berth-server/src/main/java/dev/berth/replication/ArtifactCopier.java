package dev.berth.replication;

import dev.berth.job.JobContext;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Copies one tagged artifact between two endpoints so that the destination never shows a manifest
 * whose content is not all there: blobs first (a HEAD skips those the destination has), an index's
 * children before the index, each manifest by digest, and the tag last. Then its accessories, each
 * the same way after its subject: the manifests whose {@code subject} it is (OCI referrers) and
 * cosign's tags {@code sha256-<hex>.sig}, {@code .att} and {@code .sbom}. The bytes of every
 * manifest are copied as they are, so digests are identical at both ends. Safe to run again after a
 * partial run: what is there is skipped.
 *
 * <p>Every request to either end goes through {@link Retrying}; every blob's bytes through the
 * task's {@link Throttle} and under its {@link BlobDeadline}; with a chunk size, blobs go to a remote in chunks.
 */
final class ArtifactCopier {
    private static final Set<String> INDEXES = Set.of(
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json");
    /** cosign's tag scheme: signatures, attestations and SBOMs of {@code sha256:<hex>}. */
    static final List<String> COSIGN_SUFFIXES = List.of(".sig", ".att", ".sbom");

    private static final Pattern COSIGN_TAG = Pattern.compile("sha256-[0-9a-f]{64}\\.(sig|att|sbom)");

    private final ContentEndpoint source;
    private final ContentEndpoint destination;
    private final JsonMapper json;
    private final JobContext context;
    private final Retrying retrying;
    private final Throttle throttle;
    private final BlobDeadline deadline;
    private final int chunkSize;
    private final Set<String> copiedBlobs = new HashSet<>();
    private final Set<String> copiedManifests = new HashSet<>();

    ArtifactCopier(
            ContentEndpoint source,
            ContentEndpoint destination,
            JsonMapper json,
            JobContext context,
            Retrying retrying,
            Throttle throttle,
            BlobDeadline deadline,
            int chunkSize) {
        this.source = source;
        this.destination = destination;
        this.json = json;
        this.context = context;
        this.retrying = retrying;
        this.throttle = throttle;
        this.deadline = deadline;
        this.chunkSize = chunkSize;
    }

    /** What one copy did. */
    record Outcome(String digest, int blobsCopied, int blobsSkipped, int accessories, boolean skipped) {}

    private int blobsCopied;
    private int blobsSkipped;
    private int accessories;

    /** Whether a tag is one of cosign's accessory tags, copied with its subject rather than on its own. */
    static boolean isAccessoryTag(String tag) {
        return COSIGN_TAG.matcher(tag).matches();
    }

    /**
     * Copies {@code srcRepo:tag} to {@code dstRepo:tag}, then its accessories. Without {@code
     * override}, a tag the destination already has for other content is left alone.
     */
    Outcome copy(String srcRepo, String tag, String dstRepo, boolean override) throws IOException {
        ContentEndpoint.Manifest top = retrying.call(
                        "GET manifest " + srcRepo + ":" + tag, () -> source.manifest(srcRepo, tag))
                .orElseThrow(() -> new IllegalStateException(srcRepo + ":" + tag + " is gone from the source"));
        String digest = Digest.sha256(top.content()).toString();
        if (!tagged(srcRepo, dstRepo, tag, digest, top, override)) {
            return new Outcome(digest, 0, 0, 0, true);
        }
        copyAccessories(srcRepo, dstRepo, digest, override, 0);
        return new Outcome(digest, blobsCopied, blobsSkipped, accessories, false);
    }

    /** The manifest's content, then the tag; false when the destination's tag is kept. */
    private boolean tagged(
            String srcRepo, String dstRepo, String tag, String digest, ContentEndpoint.Manifest top, boolean override)
            throws IOException {
        if (!override) {
            Optional<String> there =
                    retrying.call("HEAD " + dstRepo + ":" + tag, () -> destination.manifestDigest(dstRepo, tag));
            if (there.isPresent() && !there.get().equals(digest)) {
                context.log("the destination has " + dstRepo + ":" + tag + " as " + there.get()
                        + " and the policy does not override: skipped");
                return false;
            }
        }
        copyManifest(srcRepo, dstRepo, digest, top);
        context.checkStop();
        retrying.run("PUT tag " + dstRepo + ":" + tag, () -> {
            destination.putManifest(dstRepo, tag, top.mediaType(), top.content());
            return null;
        });
        context.log("tag " + dstRepo + ":" + tag + " -> " + digest);
        return true;
    }

    /**
     * The referrers of {@code subject} and its cosign tags, each after the subject (which is there
     * by now), and theirs in turn (a signature of an SBOM), a few levels deep.
     */
    private void copyAccessories(String srcRepo, String dstRepo, String subject, boolean override, int depth)
            throws IOException {
        if (depth > 3) {
            return;
        }
        for (String referrer : retrying.call(
                "GET referrers of " + srcRepo + "@" + subject, () -> source.referrers(srcRepo, subject))) {
            if (copiedManifests.contains(referrer)) {
                continue;
            }
            ContentEndpoint.Manifest m = retrying.call(
                            "GET manifest " + srcRepo + "@" + referrer, () -> source.manifest(srcRepo, referrer))
                    .orElse(null);
            if (m == null) {
                context.log("the referrer " + referrer + " of " + subject + " is gone from the source: skipped");
                continue;
            }
            verify(referrer, m.content());
            copyManifest(srcRepo, dstRepo, referrer, m);
            accessories++;
            context.log("accessory " + dstRepo + "@" + referrer + " (refers to " + subject + ")");
            copyAccessories(srcRepo, dstRepo, referrer, override, depth + 1);
        }
        if (!subject.startsWith("sha256:")) {
            return;
        }
        String prefix = "sha256-" + subject.substring("sha256:".length());
        for (String suffix : COSIGN_SUFFIXES) {
            String tag = prefix + suffix;
            Optional<ContentEndpoint.Manifest> m =
                    retrying.call("GET manifest " + srcRepo + ":" + tag, () -> source.manifest(srcRepo, tag));
            if (m.isEmpty()) {
                continue;
            }
            String digest = Digest.sha256(m.get().content()).toString();
            if (tagged(srcRepo, dstRepo, tag, digest, m.get(), override)) {
                accessories++;
                copyAccessories(srcRepo, dstRepo, digest, override, depth + 1);
            }
        }
    }

    /** A manifest by digest, after everything it references. */
    private void copyManifest(String srcRepo, String dstRepo, String digest, ContentEndpoint.Manifest manifest)
            throws IOException {
        if (!copiedManifests.add(digest)) {
            return;
        }
        JsonNode body = json.readTree(manifest.content());
        String type = manifest.mediaType().isEmpty() ? body.path("mediaType").asString("") : manifest.mediaType();
        if (INDEXES.contains(type) || body.has("manifests")) {
            for (JsonNode child : body.path("manifests")) {
                String childDigest = child.path("digest").asString();
                context.checkStop();
                ContentEndpoint.Manifest m = retrying.call(
                                "GET manifest " + srcRepo + "@" + childDigest,
                                () -> source.manifest(srcRepo, childDigest))
                        .orElseThrow(() -> new IllegalStateException(
                                "the index " + digest + " lists " + childDigest + ", which the source does not have"));
                verify(childDigest, m.content());
                copyManifest(srcRepo, dstRepo, childDigest, m);
            }
        } else {
            List<JsonNode> blobs = new ArrayList<>();
            if (body.has("config")) {
                blobs.add(body.path("config"));
            }
            body.path("layers").forEach(blobs::add);
            body.path("blobs").forEach(blobs::add); // an OCI artifact manifest's
            for (JsonNode blob : blobs) {
                if (blob.has("urls")) {
                    continue; // a foreign layer: its bytes live elsewhere
                }
                copyBlob(
                        srcRepo,
                        dstRepo,
                        blob.path("digest").asString(),
                        blob.path("size").asLong(-1));
            }
        }
        context.checkStop();
        retrying.run("PUT manifest " + dstRepo + "@" + digest, () -> {
            destination.putManifest(dstRepo, digest, type, manifest.content());
            return null;
        });
        context.log("manifest " + dstRepo + "@" + digest + " (" + type + ")");
    }

    private void copyBlob(String srcRepo, String dstRepo, String digest, long size) throws IOException {
        if (!copiedBlobs.add(digest)) {
            return;
        }
        context.checkStop();
        if (retrying.call("HEAD blob " + dstRepo + "@" + digest, () -> destination.hasBlob(dstRepo, digest))) {
            blobsSkipped++;
            context.log("blob " + digest + " is there: skipped");
            return;
        }
        try {
            retrying.run("copying blob " + digest, () -> {
                try (BlobDeadline.Watch watch = deadline.start(digest, size)) {
                    try {
                        destination.putBlob(
                                dstRepo,
                                digest,
                                size,
                                () -> watch.wrap(throttle.wrap(source.openBlob(srcRepo, digest))),
                                chunkSize,
                                watch.cancellation());
                    } catch (IOException | RuntimeException e) {
                        Optional<BlobDeadline.TooSlow> slow = watch.explains(e);
                        if (slow.isPresent()) {
                            throw slow.get();
                        }
                        throw e;
                    }
                }
                return null;
            });
        } catch (IOException | RuntimeException e) {
            Optional<BlobDeadline.TooSlow> slow = BlobDeadline.TooSlow.in(e);
            if (slow.isPresent()) {
                context.log(slow.get().getMessage() + "; giving up");
                throw slow.get();
            }
            throw e;
        }
        blobsCopied++;
        context.log("blob " + digest + " copied (" + size + " bytes" + (chunkSize > 0 ? ", in chunks" : "") + ")");
    }

    private static void verify(String digest, byte[] content) {
        String actual = Digest.sha256(content).toString();
        if (digest.startsWith("sha256:") && !digest.equals(actual)) {
            throw new IllegalStateException("the source sent " + actual + " for " + digest);
        }
    }
}
