-- Manifests count against their project's storage quota as Harbor counts them: the bytes of every
-- distinct manifest digest in the project, once, beside its blobs. project_blob is keyed by digest,
-- so a manifest that is also stored as a blob is counted once, and triggers keep it exact in the
-- transaction that stores or deletes a manifest, whichever path does it (push, copy, delete,
-- garbage collection, repository delete).

CREATE FUNCTION project_manifest_stored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO project_blob (project_id, digest, size, links)
    SELECT r.project_id, NEW.digest, NEW.size, 1
    FROM repository r
    WHERE r.id = NEW.repository_id AND r.project_id IS NOT NULL
    ON CONFLICT (project_id, digest) DO UPDATE SET links = project_blob.links + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER manifest_stored AFTER INSERT ON manifest
    FOR EACH ROW EXECUTE FUNCTION project_manifest_stored();
-- The same release as an unlinked blob: manifest rows carry repository_id and digest too.
CREATE TRIGGER manifest_removed AFTER DELETE ON manifest
    FOR EACH ROW EXECUTE FUNCTION project_blob_unlinked();

-- A repository's manifests go by cascade after its row, when their project can no longer be found
-- (project_blob_unlinked then does nothing): release them first, while it still can. Deleting
-- them here instead would fire the listing triggers on the row being deleted.
CREATE OR REPLACE FUNCTION repository_unlink_all() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d text;
    remaining integer;
BEGIN
    DELETE FROM repository_blob WHERE repository_id = OLD.id;
    IF OLD.project_id IS NOT NULL THEN
        FOR d IN SELECT digest FROM manifest WHERE repository_id = OLD.id ORDER BY digest LOOP
            SELECT links INTO remaining FROM project_blob
            WHERE project_id = OLD.project_id AND digest = d FOR UPDATE;
            IF remaining > 1 THEN
                UPDATE project_blob SET links = links - 1 WHERE project_id = OLD.project_id AND digest = d;
            ELSIF remaining = 1 THEN
                DELETE FROM project_blob WHERE project_id = OLD.project_id AND digest = d;
            END IF;
        END LOOP;
    END IF;
    RETURN OLD;
END $$;

-- Manifests stored before this migration.
INSERT INTO project_blob (project_id, digest, size, links)
SELECT r.project_id, m.digest, max(m.size), count(*)
FROM manifest m JOIN repository r ON r.id = m.repository_id
WHERE r.project_id IS NOT NULL
GROUP BY r.project_id, m.digest
ON CONFLICT (project_id, digest) DO UPDATE SET links = project_blob.links + EXCLUDED.links;
