-- List APIs at scale (issue 4, bench/lists.sh): what every list used to recompute per row is now
-- kept up to date when it changes.
--
-- listed_artifact holds the manifests Harbor lists at top level (the rule is the view
-- top_level_artifact below: not an index child unless tagged, not an accessory by subject or
-- cosign-style tag), and
-- repository.artifact_count the number of them. Whether a manifest is listed depends on other rows
-- (its tags, the indexes listing it, its subject), so every change to manifest, tag and
-- manifest_reference re-decides the manifests it can affect, in deferred triggers that run at
-- commit: each takes the repository row lock first (FOR NO KEY UPDATE, which foreign-key checks do
-- not wait for) and only then reads, so concurrent pushes and deletes in one repository decide one
-- after the other, each seeing the other's committed rows, and the count stays exact. The lock is
-- the last one a transaction takes, just before it commits, so it cannot close a deadlock cycle
-- with the row locks pushes, deletes and garbage collection take earlier.
--
-- manifest.artifact_size is Harbor's artifact size (the manifest, its index children and every
-- distinct blob they reference: the view artifact_total_size below). Nothing it depends on can change once the
-- manifest is committed, so it is computed once, when the manifest's transaction commits.
--
-- repository.updated_at now also moves forward when a manifest is pushed, so update_time is a column.
-- tag.pull_time is Harbor's tag-level pull time, written by the pull recorder for pulls by tag.

ALTER TABLE repository ADD COLUMN artifact_count bigint NOT NULL DEFAULT 0;
ALTER TABLE manifest ADD COLUMN artifact_size bigint NOT NULL DEFAULT 0;
ALTER TABLE tag ADD COLUMN pull_time timestamptz;

-- No foreign key to manifest: a cascade would remove rows behind the triggers' back, and the count
-- with them. The repository's own deletion takes its rows with it.
CREATE TABLE listed_artifact (
    manifest_id    bigint PRIMARY KEY,
    repository_id  bigint NOT NULL REFERENCES repository (id) ON DELETE CASCADE
);
CREATE INDEX listed_artifact_repository ON listed_artifact (repository_id, manifest_id);

-- Harbor's extra_attrs (architecture, os, author, created, config of an image; a chart's
-- metadata), derived once from the config blob and kept as JSON text, so a page of artifacts reads
-- them in one statement instead of opening 100 blobs. Content-addressed: a row never goes stale.
CREATE TABLE config_attributes (
    config_digest  text NOT NULL REFERENCES blob (digest) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('image', 'chart')),
    attrs          text NOT NULL,
    PRIMARY KEY (config_digest, kind)
);

-- Repository lists page by creation time within a project.
CREATE INDEX repository_project_created ON repository (project_id, created_at, id);

-- Harbor's listing rule, the one definition of it: not an index child unless tagged, not an
-- accessory of a manifest in the repository (by subject, or by a cosign-style tag whose predicate
-- matches V12's tag_cosign index). A view, so that the per-manifest check below becomes index
-- probes and the rebuild further down becomes anti-joins.
CREATE VIEW top_level_artifact AS
    SELECT m.id, m.repository_id FROM manifest m
    WHERE (NOT EXISTS (SELECT 1 FROM manifest_reference tr WHERE tr.child_id = m.id)
           OR EXISTS (SELECT 1 FROM tag tt WHERE tt.manifest_id = m.id))
      AND NOT (m.subject_digest IS NOT NULL AND EXISTS (
          SELECT 1 FROM manifest s WHERE s.repository_id = m.repository_id AND s.digest = m.subject_digest))
      AND NOT EXISTS (
          SELECT 1 FROM tag ct JOIN manifest s
            ON s.repository_id = ct.repository_id AND s.digest = 'sha256:' || substr(ct.name, 8, 64)
          WHERE ct.manifest_id = m.id AND ct.name ~ '^sha256-[0-9a-f]{64}\.(sig|att|sbom)$');

CREATE FUNCTION artifact_top_level(mid bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM top_level_artifact WHERE id = mid)
$$;

-- Harbor's artifact size: the manifest, its children's manifests (for an index) and every blob
-- they reference, each blob counted once however many of them share it.
CREATE VIEW artifact_total_size AS
    SELECT m.id, m.size + COALESCE(c.s, 0) + COALESCE(b.s, 0) AS size
    FROM manifest m
    LEFT JOIN (SELECT r.parent_id AS id, sum(c.size) AS s FROM manifest_reference r JOIN manifest c ON c.id = r.child_id
               GROUP BY r.parent_id) c ON c.id = m.id
    LEFT JOIN (SELECT u.id, sum(b.size) AS s FROM (
                   SELECT mb.manifest_id AS id, mb.digest FROM manifest_blob mb
                   UNION
                   SELECT r.parent_id, mb.digest FROM manifest_reference r JOIN manifest_blob mb ON mb.manifest_id = r.child_id
               ) u JOIN blob b ON b.digest = u.digest GROUP BY u.id) b ON b.id = m.id;

CREATE FUNCTION artifact_size_of(mid bigint) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT size FROM artifact_total_size WHERE id = mid
$$;

-- Waits for every other transaction deciding this repository's listing to commit; false when the
-- repository is gone (deleted with everything in it: nothing left to count).
CREATE FUNCTION listing_lock(repo bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM repository WHERE id = repo FOR NO KEY UPDATE;
    RETURN FOUND;
END $$;

-- Re-decides the given manifests of the repository (the caller holds listing_lock) and moves the
-- count by what changed; pushed, when set, moves updated_at forward.
CREATE FUNCTION listing_decide(repo bigint, ids bigint[], pushed timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    delta bigint;
BEGIN
    WITH wanted AS (
        SELECT DISTINCT id FROM unnest(ids) AS u(id) WHERE artifact_top_level(id)
    ), added AS (
        INSERT INTO listed_artifact (manifest_id, repository_id) SELECT id, repo FROM wanted
        ON CONFLICT (manifest_id) DO NOTHING RETURNING 1
    ), removed AS (
        DELETE FROM listed_artifact WHERE manifest_id = ANY (ids) AND manifest_id NOT IN (SELECT id FROM wanted)
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM added) - (SELECT count(*) FROM removed) INTO delta;
    UPDATE repository SET artifact_count = artifact_count + delta, updated_at = GREATEST(updated_at, pushed)
    WHERE id = repo AND (delta <> 0 OR pushed > updated_at);
END $$;

-- A manifest pushed or deleted: itself, and the manifests it makes accessories of or releases
-- (those naming it as subject, or tagged sha256-<its hex>.sig/.att/.sbom).
CREATE FUNCTION listing_manifest_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    m record;
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        m := NEW;
    ELSE
        m := OLD;
    END IF;
    IF NOT listing_lock(m.repository_id) THEN
        RETURN NULL;
    END IF;
    ids := ARRAY[m.id]
        || ARRAY(SELECT a.id FROM manifest a WHERE a.repository_id = m.repository_id AND a.subject_digest = m.digest)
        || ARRAY(SELECT ct.manifest_id FROM tag ct WHERE ct.repository_id = m.repository_id
                 AND m.digest LIKE 'sha256:%'
                 AND ct.name IN ('sha256-' || substr(m.digest, 8) || '.sig', 'sha256-' || substr(m.digest, 8) || '.att',
                                 'sha256-' || substr(m.digest, 8) || '.sbom'));
    IF TG_OP = 'INSERT' THEN
        UPDATE manifest SET artifact_size = artifact_size_of(id) WHERE id = m.id;
        PERFORM listing_decide(m.repository_id, ids, m.created_at);
    ELSE
        PERFORM listing_decide(m.repository_id, ids, NULL);
    END IF;
    RETURN NULL;
END $$;

-- A tag added, moved or deleted: the manifests it pointed at and points at.
CREATE FUNCTION listing_tag_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    repo bigint;
    ids bigint[] := '{}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        repo := NEW.repository_id;
        ids := ids || NEW.manifest_id;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        repo := OLD.repository_id;
        ids := ids || OLD.manifest_id;
    END IF;
    IF listing_lock(repo) THEN
        PERFORM listing_decide(repo, ids, NULL);
    END IF;
    RETURN NULL;
END $$;

-- An index listing a child, or no longer: the child.
CREATE FUNCTION listing_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    child bigint;
    repo bigint;
BEGIN
    child := CASE WHEN TG_OP = 'INSERT' THEN NEW.child_id ELSE OLD.child_id END;
    SELECT repository_id INTO repo FROM manifest WHERE id = child;
    IF repo IS NOT NULL AND listing_lock(repo) THEN
        PERFORM listing_decide(repo, ARRAY[child], NULL);
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER listing_manifest AFTER INSERT OR DELETE ON manifest
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION listing_manifest_changed();
CREATE CONSTRAINT TRIGGER listing_tag AFTER INSERT OR DELETE OR UPDATE OF manifest_id ON tag
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION listing_tag_changed();
CREATE CONSTRAINT TRIGGER listing_reference AFTER INSERT OR DELETE ON manifest_reference
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION listing_reference_changed();

-- Everything from scratch, set-based: for this migration, and for bulk loads that disable the
-- triggers above (bench/lists.sh seeds 100,000 artifacts that way).
CREATE FUNCTION listing_rebuild() RETURNS void LANGUAGE sql AS $$
    UPDATE manifest m SET artifact_size = t.size FROM artifact_total_size t WHERE t.id = m.id;
    DELETE FROM listed_artifact;
    INSERT INTO listed_artifact (manifest_id, repository_id) SELECT id, repository_id FROM top_level_artifact;
    UPDATE repository r SET artifact_count = COALESCE(l.n, 0), updated_at = GREATEST(r.updated_at, p.pushed)
    FROM repository x
    LEFT JOIN (SELECT repository_id, count(*) AS n FROM listed_artifact GROUP BY repository_id) l
        ON l.repository_id = x.id
    LEFT JOIN (SELECT repository_id, max(created_at) AS pushed FROM manifest GROUP BY repository_id) p
        ON p.repository_id = x.id
    WHERE r.id = x.id;
$$;

SELECT listing_rebuild();
