package dev.berth.artifact;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * SQL expressions over a {@code manifest m} row that define what Harbor's artifact API shows: its
 * type, media type, total size, and whether it is listed at top level. Kept in one place so that
 * lists, filters, counts and single reads agree.
 */
final class ArtifactSql {
    private ArtifactSql() {}

    /** Manifest media types of indexes: only these have children ({@code references}). */
    static final Set<String> INDEX_MEDIA_TYPES = Set.of(
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json");

    static final String INDEX_TYPES =
            INDEX_MEDIA_TYPES.stream().sorted().map(t -> "'" + t + "'").collect(Collectors.joining(", ", "(", ")"));

    static boolean isIndex(String manifestMediaType) {
        return INDEX_MEDIA_TYPES.contains(manifestMediaType);
    }

    /** Harbor's artifact type, recognised as Harbor's processors do, from the config and artifact types. */
    static final String TYPE = """
            (CASE
              WHEN m.config_media_type = 'application/vnd.cnab.config.v1+json'
                OR (m.media_type IN %1$s AND m.annotations->>'io.cnab.runtime_version' IS NOT NULL) THEN 'CNAB'
              WHEN m.config_media_type = 'application/vnd.cncf.helm.config.v1+json' THEN 'CHART'
              WHEN m.config_media_type IN ('application/vnd.wasm.config.v1+json', 'application/vnd.module.wasm.config.v1+json')
                OR m.artifact_type IN ('application/vnd.wasm.config.v1+json', 'application/vnd.module.wasm.config.v1+json')
                THEN 'WASM'
              WHEN m.artifact_type IN ('application/vnd.goharbor.harbor.sbom.v1', 'application/spdx+json',
                  'application/vnd.cyclonedx+json', 'application/vnd.dev.cosign.artifact.sbom.v1+json') THEN 'SBOM'
              WHEN m.media_type IN %1$s THEN 'IMAGE'
              WHEN m.media_type IN ('application/vnd.docker.distribution.manifest.v1+json',
                  'application/vnd.docker.distribution.manifest.v1+prettyjws') THEN 'IMAGE'
              WHEN m.config_media_type IN ('application/vnd.oci.image.config.v1+json',
                  'application/vnd.docker.container.image.v1+json') THEN 'IMAGE'
              ELSE 'UNKNOWN'
            END)""".formatted(INDEX_TYPES);

    /** Harbor's {@code media_type}: the config's media type for a manifest, the manifest's own for an index. */
    static final String MEDIA_TYPE = "COALESCE(m.config_media_type, m.media_type)";

    /**
     * Bytes the artifact takes: the manifest, its children's manifests (for an index) and every blob
     * they reference, each blob counted once however many of them share it. Computed once when the
     * manifest is committed ({@code artifact_size_of} in V13), since none of it can change after.
     */
    static final String SIZE = "m.artifact_size";

    /**
     * True for artifacts listed at top level, as in Harbor: not a child of an index unless tagged,
     * and not an accessory (an artifact whose {@code subject}, or {@code sha256-<hex>.sig|.att|.sbom}
     * tag, names another artifact of the repository). Decided by the triggers of V13 whenever a
     * manifest, tag or index reference changes ({@code artifact_top_level} there is the rule), and
     * counted in {@code repository.artifact_count}.
     */
    static final String TOP_LEVEL = "EXISTS (SELECT 1 FROM listed_artifact la"
            + " WHERE la.manifest_id = m.id AND la.repository_id = m.repository_id)";

    /** The accessory type of a subject-linked artifact {@code m}. */
    static final String SUBJECT_ACCESSORY_TYPE = """
            (CASE
              WHEN m.artifact_type = 'application/vnd.cncf.notary.signature' THEN 'signature.notation'
              WHEN m.artifact_type = 'application/vnd.dev.cosign.artifact.sig.v1+json' THEN 'signature.cosign'
              WHEN m.artifact_type = 'application/vnd.goharbor.harbor.sbom.v1' THEN 'sbom.harbor'
              WHEN m.artifact_type IN ('application/spdx+json',
                  'application/vnd.cyclonedx+json', 'application/vnd.dev.cosign.artifact.sbom.v1+json')
                OR m.artifact_type LIKE '%sbom%' THEN 'sbom'
              ELSE 'subject.accessory'
            END)""";

    /** The accessory type of an artifact attached by a cosign-style tag {@code ct.name}. */
    static final String TAG_ACCESSORY_TYPE = """
            (CASE
              WHEN ct.name LIKE '%.sig' THEN 'signature.cosign'
              WHEN ct.name LIKE '%.sbom' THEN 'sbom'
              ELSE 'subject.accessory'
            END)""";
}
