-- Online garbage collection (GitLab's design): review queues filled, in the same transaction,
-- whenever a reference to a blob or a manifest may have disappeared. Garbage collection reviews due
-- entries under the row locks that pushes also take, and deletes only what nothing references.

-- Blobs that may have lost their last reference. No foreign key: the entry may outlive its blob row.
CREATE TABLE gc_blob_review (
    digest        text PRIMARY KEY,
    review_after  timestamptz NOT NULL,
    reason        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gc_blob_review_due ON gc_blob_review (review_after);

-- Manifests that may have become untagged, lost their parent index or their subject.
CREATE TABLE gc_manifest_review (
    manifest_id   bigint PRIMARY KEY REFERENCES manifest (id) ON DELETE CASCADE,
    review_after  timestamptz NOT NULL,
    reason        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gc_manifest_review_due ON gc_manifest_review (review_after);

-- What existed before this migration never passed through the queues: review all of it once.
INSERT INTO gc_blob_review (digest, review_after, reason) SELECT digest, now(), 'migration' FROM blob;
INSERT INTO gc_manifest_review (manifest_id, review_after, reason)
SELECT m.id, now(), 'migration' FROM manifest m WHERE NOT EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id);
