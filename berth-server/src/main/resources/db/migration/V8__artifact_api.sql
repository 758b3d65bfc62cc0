-- Harbor's repository and tag API: a description per repository, a stable id per tag, and the
-- indexes the artifact lists sort and filter on.
ALTER TABLE repository ADD COLUMN description text NOT NULL DEFAULT '';

-- Harbor's Tag JSON carries an id; the primary key stays (repository_id, name).
ALTER TABLE tag ADD COLUMN id bigserial NOT NULL UNIQUE;

-- Artifact lists page by push time within a repository.
CREATE INDEX manifest_repository_created ON manifest (repository_id, created_at, id);
