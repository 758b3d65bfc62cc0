-- Storage quotas: a project's usage is the total size of the distinct blobs its repositories link.
-- project_blob holds one row per (project, blob) with the number of links that keep it there. It
-- is maintained by triggers on repository_blob, so every path that links or unlinks a blob (upload
-- commit, mount, copy, unlink, repository delete by cascade, garbage collection) updates it in its
-- own transaction, and a concurrent push and delete can never leave it off by one.
CREATE TABLE project_blob (
    project_id  bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    digest      text NOT NULL,
    size        bigint NOT NULL,
    links       integer NOT NULL CHECK (links > 0),
    PRIMARY KEY (project_id, digest)
);

-- Timestamps for Harbor's Quota JSON; the limit itself stays project.storage_limit.
ALTER TABLE project ADD COLUMN quota_update_time timestamptz NOT NULL DEFAULT now();

CREATE FUNCTION project_blob_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO project_blob (project_id, digest, size, links)
    SELECT r.project_id, NEW.digest, b.size, 1
    FROM repository r JOIN blob b ON b.digest = NEW.digest
    WHERE r.id = NEW.repository_id AND r.project_id IS NOT NULL
    ON CONFLICT (project_id, digest) DO UPDATE SET links = project_blob.links + 1;
    RETURN NULL;
END $$;

CREATE FUNCTION project_blob_unlinked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    remaining integer;
BEGIN
    SELECT project_id INTO owner FROM repository WHERE id = OLD.repository_id;
    IF owner IS NULL THEN
        RETURN NULL;
    END IF;
    -- Lock first, then decide: a bare conditional UPDATE could skip a row a concurrent link is
    -- incrementing and then delete it, losing that link.
    SELECT links INTO remaining FROM project_blob
    WHERE project_id = owner AND digest = OLD.digest FOR UPDATE;
    IF remaining > 1 THEN
        UPDATE project_blob SET links = links - 1 WHERE project_id = owner AND digest = OLD.digest;
    ELSE
        DELETE FROM project_blob WHERE project_id = owner AND digest = OLD.digest;
    END IF;
    RETURN NULL;
END $$;

-- A cascade from repository would delete the links after the repository row is gone, when their
-- project can no longer be found: delete them first, while it still exists.
CREATE FUNCTION repository_unlink_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM repository_blob WHERE repository_id = OLD.id;
    RETURN OLD;
END $$;

CREATE TRIGGER repository_deleting BEFORE DELETE ON repository
    FOR EACH ROW EXECUTE FUNCTION repository_unlink_all();
CREATE TRIGGER repository_blob_linked AFTER INSERT ON repository_blob
    FOR EACH ROW EXECUTE FUNCTION project_blob_linked();
CREATE TRIGGER repository_blob_unlinked AFTER DELETE ON repository_blob
    FOR EACH ROW EXECUTE FUNCTION project_blob_unlinked();

-- Pull tracking, written in batches by a background queue (pulls never wait for it).
ALTER TABLE manifest ADD COLUMN pull_time timestamptz;
ALTER TABLE manifest ADD COLUMN pull_count bigint NOT NULL DEFAULT 0;
ALTER TABLE repository ADD COLUMN pull_count bigint NOT NULL DEFAULT 0;

-- Links that existed before this migration.
INSERT INTO project_blob (project_id, digest, size, links)
SELECT r.project_id, rb.digest, b.size, count(*)
FROM repository_blob rb JOIN repository r ON r.id = rb.repository_id JOIN blob b ON b.digest = rb.digest
WHERE r.project_id IS NOT NULL
GROUP BY r.project_id, rb.digest, b.size;
