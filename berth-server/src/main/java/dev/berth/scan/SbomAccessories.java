package dev.berth.scan;

import dev.berth.registry.MediaTypes;
import dev.berth.registry.RegistryContent;
import dev.berth.storage.Digest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores a generated SBOM the way Harbor 2.11+ does: an OCI image manifest in the scanned
 * artifact's repository whose config media type is {@code application/vnd.goharbor.harbor.sbom.v1}
 * (Berth lists it as a {@code harbor.sbom} accessory), one layer holding the SBOM document as it is,
 * and the scanned artifact as its {@code subject}. Written in process with the registry's own
 * checks (digests verified, every blob present before the manifest).
 */
@Component
class SbomAccessories {
    static final String ARTIFACT_TYPE = "application/vnd.goharbor.harbor.sbom.v1";
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";

    private final RegistryContent content;
    private final JsonMapper json;
    private final TransactionTemplate tx;

    SbomAccessories(RegistryContent content, JsonMapper json, TransactionTemplate tx) {
        this.content = content;
        this.json = json;
        this.tx = tx;
    }

    /** What {@link #replace} stored and deleted. */
    record Replaced(String digest, List<String> deleted) {}

    /**
     * Stores a newly generated SBOM as the artifact's one {@code sbom.harbor} accessory. Harbor
     * deletes every {@code sbom.harbor} accessory of the artifact (whichever scanner made it) when
     * an SBOM is generated again; Berth does the same, but in the transaction that stores the new
     * accessory and runs {@code withReport} (the report naming it), so the artifact never has no
     * SBOM or two, and a failed generation leaves the previous one in place.
     */
    Replaced replace(
            String repository,
            String subjectDigest,
            byte[] sbom,
            String sbomMediaType,
            Instant created,
            Consumer<String> withReport) {
        Prepared prepared = prepare(repository, subjectDigest, sbom, sbomMediaType, created);
        return tx.execute(status -> {
            Digest subject = Digest.parse(subjectDigest).orElseThrow();
            List<Digest> previous = content.referrers(repository, subject).stream()
                    .filter(r -> r.artifactType().equals(ARTIFACT_TYPE))
                    .map(RegistryContent.SubjectReferrer::digest)
                    .filter(d -> !d.toString().equals(prepared.digest().toString()))
                    .toList();
            content.putManifest(repository, prepared.digest().toString(), MediaTypes.OCI_MANIFEST, prepared.manifest());
            for (Digest old : previous) {
                content.deleteArtifact(repository, old);
            }
            withReport.accept(prepared.digest().toString());
            return new Replaced(
                    prepared.digest().toString(),
                    previous.stream().map(Digest::toString).toList());
        });
    }

    private record Prepared(Digest digest, byte[] manifest) {}

    /** The SBOM's layer and config stored as blobs, and the accessory's manifest built (not yet stored). */
    private Prepared prepare(
            String repository, String subjectDigest, byte[] sbom, String sbomMediaType, Instant created) {
        RegistryContent.Manifest subject = content.manifest(repository, subjectDigest)
                .orElseThrow(() -> new AdapterClient.AdapterException("the scanned artifact is gone"));
        Digest layer = Digest.sha256(sbom);
        content.putBlob(repository, layer, sbom.length, new ByteArrayInputStream(sbom));

        String time = created.truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("created", time);
        history.put("author", "berth");
        history.put("created_by", "berth");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", "");
        config.put("os", "");
        config.put("created", time);
        config.put("config", Map.of());
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(layer.toString())));
        config.put("history", List.of(history));
        byte[] configBytes = json.writeValueAsBytes(config);
        Digest configDigest = Digest.sha256(configBytes);
        content.putBlob(repository, configDigest, configBytes.length, new ByteArrayInputStream(configBytes));

        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put("created", time);
        annotations.put("created-by", "Berth");
        annotations.put("org.opencontainers.artifact.created", time);
        annotations.put(
                "org.opencontainers.artifact.description",
                sbomMediaType.equals(ScanTypes.SPDX_JSON) ? "SPDX JSON SBOM" : "CycloneDX JSON SBOM");
        annotations.put("dev.berth.sbom.media-type", sbomMediaType);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        manifest.put(
                "config",
                Map.of("mediaType", ARTIFACT_TYPE, "size", configBytes.length, "digest", configDigest.toString()));
        manifest.put("layers", List.of(Map.of("mediaType", LAYER, "size", sbom.length, "digest", layer.toString())));
        manifest.put(
                "subject",
                Map.of(
                        "mediaType",
                        subject.mediaType(),
                        "size",
                        subject.content().length,
                        "digest",
                        subject.digest().toString()));
        manifest.put("annotations", annotations);
        byte[] manifestBytes = json.writeValueAsBytes(manifest);
        return new Prepared(Digest.sha256(manifestBytes), manifestBytes);
    }

    /** The SBOM document an accessory holds (its one layer), as stored. */
    java.util.Optional<byte[]> document(String repository, String accessoryDigest) {
        return content.manifest(repository, accessoryDigest).flatMap(m -> {
            var layers = json.readTree(m.content()).path("layers");
            if (!json.readTree(m.content())
                            .path("config")
                            .path("mediaType")
                            .asString("")
                            .equals(ARTIFACT_TYPE)
                    || layers.size() != 1) {
                return java.util.Optional.empty();
            }
            return Digest.parse(layers.get(0).path("digest").asString("")).map(d -> {
                try (var in = content.openBlob(repository, d)) {
                    return in.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        });
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
