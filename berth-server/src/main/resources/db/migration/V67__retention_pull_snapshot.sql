-- Pull times as they were when a policy run took its snapshot (package artifact). Pushes and tags
-- carry their own times, so "what existed at the snapshot" is a comparison; a pull time is
-- overwritten by the next pull, so a run copies the project's pull times when it starts and
-- decides on the copy: a dry run and a real run started at the same moment see the same pulls,
-- whatever is pulled while their tasks run. No foreign key to manifest: a deleted manifest's row
-- is harmless (read by join) and goes with its snapshot, and manifest deletes pay nothing for it.
CREATE TABLE artifact_snapshot (
    id          bigserial PRIMARY KEY,
    project_id  bigint NOT NULL,
    taken_at    timestamptz NOT NULL
);

CREATE TABLE artifact_snapshot_pull (
    snapshot_id bigint NOT NULL REFERENCES artifact_snapshot (id) ON DELETE CASCADE,
    manifest_id bigint NOT NULL,
    pulled      timestamptz NOT NULL,
    PRIMARY KEY (snapshot_id, manifest_id)
);

-- The run's copy of the pull times (package retention); null for runs from before this migration,
-- which read the live pull times.
ALTER TABLE retention_run ADD COLUMN pull_snapshot bigint;
