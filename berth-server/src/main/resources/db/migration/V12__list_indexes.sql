-- Artifact and repository lists at scale (issue 4, bench/lists.sh). Every listed artifact is
-- checked for a cosign-style tag (sha256-<hex>.sig|.att|.sbom, ArtifactSql.TOP_LEVEL); without
-- an index PostgreSQL answered that with a sequential scan of every tag in the registry per list
-- request (85 ms at 150,000 tags). This partial index holds only such tags, so the check is an
-- index probe. Its predicate must stay textually identical to ArtifactSql.COSIGN_TAG.
CREATE INDEX tag_cosign ON tag (manifest_id) WHERE name ~ '^sha256-[0-9a-f]{64}\.(sig|att|sbom)$';
