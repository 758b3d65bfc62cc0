-- Artifact pages are kept in memory by each replica (ArtifactPageCache) under the repository's
-- listing_version: a number that every change a page can show moves forward, in the transaction
-- that makes the change. A replica reads the version with the repository row it reads anyway, so a
-- page is served from memory only while the database still says what it showed, whichever replica
-- (or statement run by hand) changed it.
--
-- What a page shows, and what moves the version:
--   artifacts, their order, tags, index children, accessories: the listing triggers of V13, which
--     hold the repository row lock at commit already (listing_decide below, now always);
--   labels attached or detached, label names, colours and descriptions: the triggers below;
--   pull times: the pull recorder, after it writes them;
--   extra_attrs: never cached before they are stored (ArtifactPageCache), and never changed after;
--   tag immutability: part of the cache key, not of the version (rules are per project).
ALTER TABLE repository ADD COLUMN listing_version bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION listing_decide(repo bigint, ids bigint[], pushed timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    delta bigint;
BEGIN
    WITH wanted AS (
        SELECT DISTINCT id FROM unnest(ids) AS u(id) WHERE artifact_top_level(id)
    ), added AS (
        INSERT INTO listed_artifact (manifest_id, repository_id, created_at)
        SELECT w.id, repo, m.created_at FROM wanted w JOIN manifest m ON m.id = w.id
        ON CONFLICT (manifest_id) DO NOTHING RETURNING 1
    ), removed AS (
        DELETE FROM listed_artifact WHERE manifest_id = ANY (ids) AND manifest_id NOT IN (SELECT id FROM wanted)
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM added) - (SELECT count(*) FROM removed) INTO delta;
    -- Always: a tag moved between two listed artifacts changes no count but changes the page.
    UPDATE repository SET artifact_count = artifact_count + delta, updated_at = GREATEST(updated_at, pushed),
                          listing_version = listing_version + 1
    WHERE id = repo;
END $$;

-- Moves the version of the repositories, locking their rows in id order so that two such
-- statements cannot deadlock each other. The pull recorder calls it after each batch it writes.
CREATE FUNCTION listing_touch_repositories(repos bigint[]) RETURNS void LANGUAGE sql AS $$
    WITH locked AS (
        SELECT id FROM repository WHERE id = ANY (repos) ORDER BY id FOR NO KEY UPDATE
    )
    UPDATE repository r SET listing_version = r.listing_version + 1 FROM locked WHERE r.id = locked.id;
$$;

-- The same for every repository holding one of the manifests. Manifests deleted in this
-- transaction are not found: their own deletion moves their repository's version
-- (listing_manifest).
CREATE FUNCTION listing_touch_manifests(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    SELECT listing_touch_repositories(ARRAY(SELECT DISTINCT m.repository_id FROM manifest m WHERE m.id = ANY (ids)));
$$;

CREATE FUNCTION listing_label_attached() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_touch_manifests(ARRAY(SELECT DISTINCT manifest_id FROM attached));
    RETURN NULL;
END $$;

CREATE FUNCTION listing_label_detached() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_touch_manifests(ARRAY(SELECT DISTINCT manifest_id FROM detached));
    RETURN NULL;
END $$;

-- A label renamed, recoloured or described anew: every artifact carrying it shows it so.
CREATE FUNCTION listing_label_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM listing_touch_manifests(ARRAY(
        SELECT DISTINCT al.manifest_id FROM artifact_label al JOIN changed c ON c.id = al.label_id));
    RETURN NULL;
END $$;

CREATE TRIGGER listing_label_attached AFTER INSERT ON artifact_label
    REFERENCING NEW TABLE AS attached FOR EACH STATEMENT EXECUTE FUNCTION listing_label_attached();
-- Also when a label's deletion removes it from artifacts (a cascade runs as a statement too).
CREATE TRIGGER listing_label_detached AFTER DELETE ON artifact_label
    REFERENCING OLD TABLE AS detached FOR EACH STATEMENT EXECUTE FUNCTION listing_label_detached();
CREATE TRIGGER listing_label_changed AFTER UPDATE ON label
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION listing_label_changed();

