-- The size of a manifest's annotations as JSON text, kept with the row: an artifact list carries
-- annotations only up to a bound (artifact.ListedMetadata) and must know the size without turning
-- megabytes of JSON into text for every row of every page. Generated, so every path that stores a
-- manifest (push, copy) sets it, and it cannot disagree with the annotations.
ALTER TABLE manifest ADD COLUMN annotations_size integer
    GENERATED ALWAYS AS (octet_length(annotations::text)) STORED;
