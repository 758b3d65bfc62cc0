-- Garbage collection without listing the blob store on every run (issue 22).
--
-- Bytes at a content address without a blob row can only come from an upload that placed them and
-- did not record them (a crash, a failed commit, a refused quota after an object store staged
-- them) or from a collection that deleted the row and not yet the bytes. The second keeps its
-- review entry until the bytes are gone. For the first, the upload's session row names the digest
-- of the bytes it holds so far (written by the statements that already record its size, so no
-- extra round trip), and a session that ends without its blob row queues that digest for review:
-- a run then deletes the bytes if they exist and no row records them.
ALTER TABLE upload_session ADD COLUMN content_digest text;

CREATE FUNCTION upload_session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The normal end of an upload inserts the blob row in the same statement: nothing to queue.
    IF NOT EXISTS (SELECT 1 FROM blob WHERE digest = OLD.content_digest) THEN
        INSERT INTO gc_blob_review (digest, review_after, due_at, reason)
        VALUES (OLD.content_digest, now(), 'epoch', 'upload ended')
        ON CONFLICT (digest) DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER upload_session_ended AFTER DELETE ON upload_session
    FOR EACH ROW WHEN (OLD.content_digest IS NOT NULL) EXECUTE FUNCTION upload_session_ended();

-- Sessions from before this migration have no digest: the first run lists the store once.
CREATE TABLE gc_sweep (
    id            boolean PRIMARY KEY DEFAULT true CHECK (id),
    last_full_at  timestamptz
);
INSERT INTO gc_sweep (id, last_full_at) VALUES (true, NULL);
