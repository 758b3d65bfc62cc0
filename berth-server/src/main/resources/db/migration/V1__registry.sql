-- Registry metadata. Blob bytes live in the blob store; everything else lives here.
-- Names sort bytewise ("C" collation) so tag and catalog listings are ASCIIbetical.

CREATE TABLE repository (
    id          bigserial PRIMARY KEY,
    name        text COLLATE "C" NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A blob row exists only once its bytes are durably in the blob store under its digest.
CREATE TABLE blob (
    digest      text PRIMARY KEY,
    size        bigint NOT NULL CHECK (size >= 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Which repositories may serve (and reference) which blobs.
CREATE TABLE repository_blob (
    repository_id  bigint NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    digest         text NOT NULL REFERENCES blob (digest),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository_id, digest)
);
CREATE INDEX repository_blob_digest ON repository_blob (digest);

-- Manifests with their exact bytes; artifact_type is what the referrers API reports.
CREATE TABLE manifest (
    id                 bigserial PRIMARY KEY,
    repository_id      bigint NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    digest             text NOT NULL,
    media_type         text NOT NULL,
    artifact_type      text,
    config_media_type  text,
    config_digest      text,
    subject_digest     text,
    annotations        jsonb,
    size               integer NOT NULL,
    content            bytea NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository_id, digest)
);
CREATE INDEX manifest_subject ON manifest (repository_id, subject_digest) WHERE subject_digest IS NOT NULL;

-- Blobs (config and layers) a manifest references: what keeps a blob alive.
CREATE TABLE manifest_blob (
    manifest_id  bigint NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    digest       text NOT NULL REFERENCES blob (digest),
    PRIMARY KEY (manifest_id, digest)
);
CREATE INDEX manifest_blob_digest ON manifest_blob (digest);

-- Children of an index. A child cannot be deleted while an index in its repository lists it.
CREATE TABLE manifest_reference (
    parent_id  bigint NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    child_id   bigint NOT NULL REFERENCES manifest (id),
    platform   jsonb,
    PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX manifest_reference_child ON manifest_reference (child_id);

CREATE TABLE tag (
    repository_id  bigint NOT NULL REFERENCES repository (id) ON DELETE CASCADE,
    name           text COLLATE "C" NOT NULL,
    manifest_id    bigint NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository_id, name)
);
CREATE INDEX tag_manifest ON tag (manifest_id);

-- Blob uploads in progress; their bytes are in the blob store's upload area.
CREATE TABLE upload_session (
    id          uuid PRIMARY KEY,
    repository  text NOT NULL,
    algorithm   text NOT NULL,
    size        bigint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX upload_session_updated ON upload_session (updated_at);
