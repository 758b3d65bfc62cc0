-- A garbage-collection run reclaims everything that lost its last reference before the run started
-- (Harbor's "delete, then GC now"), instead of waiting for a review delay. due_at is the moment the
-- entry was last queued (a reference disappeared), or, for a blob or manifest kept because it is
-- younger than the upload grace, the moment that grace ends. A run started at S reviews due_at <= S.
ALTER TABLE gc_blob_review ADD COLUMN due_at timestamptz;
UPDATE gc_blob_review SET due_at = LEAST(created_at, review_after);
ALTER TABLE gc_blob_review ALTER COLUMN due_at SET NOT NULL;
ALTER TABLE gc_blob_review ALTER COLUMN due_at SET DEFAULT now();
CREATE INDEX gc_blob_review_due_at ON gc_blob_review (due_at);

ALTER TABLE gc_manifest_review ADD COLUMN due_at timestamptz;
UPDATE gc_manifest_review SET due_at = LEAST(created_at, review_after);
ALTER TABLE gc_manifest_review ALTER COLUMN due_at SET NOT NULL;
ALTER TABLE gc_manifest_review ALTER COLUMN due_at SET DEFAULT now();
CREATE INDEX gc_manifest_review_due_at ON gc_manifest_review (due_at);
