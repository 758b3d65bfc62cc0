package dev.berth.artifact;

/**
 * SQL expressions over a {@code manifest m} row that define what Harbor's artifact API shows: its
 * type, media type, total size, and whether it is listed at top level. Kept in one place so that
 * lists, filters, counts and single reads agree.
 */
final class ArtifactSql {
    private ArtifactSql() {}

    static final String INDEX_TYPES =
            "('application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json')";

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
     * they reference, each blob counted once however many of them share it.
     */
    static final String SIZE = """
            (m.size
             + COALESCE((SELECT sum(c.size) FROM manifest_reference r JOIN manifest c ON c.id = r.child_id
                         WHERE r.parent_id = m.id), 0)
             + COALESCE((SELECT sum(b.size) FROM blob b WHERE b.digest IN (
                   SELECT mb.digest FROM manifest_blob mb WHERE mb.manifest_id = m.id
                   UNION
                   SELECT mb.digest FROM manifest_reference r JOIN manifest_blob mb ON mb.manifest_id = r.child_id
                   WHERE r.parent_id = m.id)), 0))""";

    /** Tag names that attach an artifact to a subject the cosign way: {@code sha256-<hex>.sig|.att|.sbom}. */
    static final String COSIGN_TAG = "'^sha256-[0-9a-f]{64}\\.(sig|att|sbom)$'";

    /**
     * True for artifacts listed at top level, as in Harbor: not a child of an index unless tagged,
     * and not an accessory (an artifact whose {@code subject}, or cosign-style tag, names another
     * artifact of the repository).
     */
    static final String TOP_LEVEL = """
            (NOT EXISTS (SELECT 1 FROM manifest_reference tr WHERE tr.child_id = m.id)
               OR EXISTS (SELECT 1 FROM tag tt WHERE tt.manifest_id = m.id))
            AND NOT (m.subject_digest IS NOT NULL AND EXISTS (
                SELECT 1 FROM manifest s WHERE s.repository_id = m.repository_id AND s.digest = m.subject_digest))
            AND NOT EXISTS (
                SELECT 1 FROM tag ct JOIN manifest s
                  ON s.repository_id = ct.repository_id AND s.digest = 'sha256:' || substr(ct.name, 8, 64)
                WHERE ct.manifest_id = m.id AND ct.name ~ %s)""".formatted(COSIGN_TAG);

    /** The accessory type of a subject-linked artifact {@code m}. */
    static final String SUBJECT_ACCESSORY_TYPE = """
            (CASE
              WHEN m.artifact_type = 'application/vnd.cncf.notary.signature' THEN 'signature.notation'
              WHEN m.artifact_type = 'application/vnd.dev.cosign.artifact.sig.v1+json' THEN 'signature.cosign'
              WHEN m.artifact_type IN ('application/vnd.goharbor.harbor.sbom.v1', 'application/spdx+json',
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
