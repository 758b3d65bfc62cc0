package dev.berth.replication;

import dev.berth.job.JobContext;
import dev.berth.storage.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Copies one tagged artifact between two endpoints so that the destination never shows a manifest
 * whose content is not all there: blobs first (a HEAD skips those the destination has), an index's
 * children before the index, each manifest by digest, and the tag last. The bytes of every manifest
 * are copied as they are, so digests are identical at both ends. Safe to run again after a partial
 * run: what is there is skipped.
 */
final class ArtifactCopier {
    private static final Set<String> INDEXES = Set.of(
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json");

    private final ContentEndpoint source;
    private final ContentEndpoint destination;
    private final JsonMapper json;
    private final JobContext context;
    private final Set<String> copiedBlobs = new HashSet<>();

    ArtifactCopier(ContentEndpoint source, ContentEndpoint destination, JsonMapper json, JobContext context) {
        this.source = source;
        this.destination = destination;
        this.json = json;
        this.context = context;
    }

    /** What one copy did. */
    record Outcome(String digest, int blobsCopied, int blobsSkipped, boolean skipped) {}

    private int blobsCopied;
    private int blobsSkipped;

    /**
     * Copies {@code srcRepo:tag} to {@code dstRepo:tag}. Without {@code override}, a tag the
     * destination already has for other content is left alone.
     */
    Outcome copy(String srcRepo, String tag, String dstRepo, boolean override) throws IOException {
        ContentEndpoint.Manifest top = source.manifest(srcRepo, tag)
                .orElseThrow(() -> new IllegalStateException(srcRepo + ":" + tag + " is gone from the source"));
        String digest = Digest.sha256(top.content()).toString();
        if (!override) {
            var existing = destination.manifest(dstRepo, tag);
            if (existing.isPresent()) {
                String there = Digest.sha256(existing.get().content()).toString();
                if (!there.equals(digest)) {
                    context.log("the destination has " + dstRepo + ":" + tag + " as " + there
                            + " and the policy does not override: skipped");
                    return new Outcome(digest, 0, 0, true);
                }
            }
        }
        copyManifest(srcRepo, dstRepo, digest, top);
        context.checkStop();
        destination.putManifest(dstRepo, tag, top.mediaType(), top.content());
        context.log("tag " + dstRepo + ":" + tag + " -> " + digest);
        return new Outcome(digest, blobsCopied, blobsSkipped, false);
    }

    /** A manifest by digest, after everything it references. */
    private void copyManifest(String srcRepo, String dstRepo, String digest, ContentEndpoint.Manifest manifest)
            throws IOException {
        JsonNode body = json.readTree(manifest.content());
        String type = manifest.mediaType().isEmpty() ? body.path("mediaType").asString("") : manifest.mediaType();
        if (INDEXES.contains(type) || body.has("manifests")) {
            for (JsonNode child : body.path("manifests")) {
                String childDigest = child.path("digest").asString();
                context.checkStop();
                ContentEndpoint.Manifest m = source.manifest(srcRepo, childDigest)
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
        destination.putManifest(dstRepo, digest, type, manifest.content());
        context.log("manifest " + dstRepo + "@" + digest + " (" + type + ")");
    }

    private void copyBlob(String srcRepo, String dstRepo, String digest, long size) throws IOException {
        if (!copiedBlobs.add(digest)) {
            return;
        }
        context.checkStop();
        if (destination.hasBlob(dstRepo, digest)) {
            blobsSkipped++;
            context.log("blob " + digest + " is there: skipped");
            return;
        }
        destination.putBlob(dstRepo, digest, size, () -> source.openBlob(srcRepo, digest));
        blobsCopied++;
        context.log("blob " + digest + " copied (" + size + " bytes)");
    }

    private static void verify(String digest, byte[] content) {
        String actual = Digest.sha256(content).toString();
        if (digest.startsWith("sha256:") && !digest.equals(actual)) {
            throw new IllegalStateException("the source sent " + actual + " for " + digest);
        }
    }
}
