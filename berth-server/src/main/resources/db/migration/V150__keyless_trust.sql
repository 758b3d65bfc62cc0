-- Keyless cosign verification (issue 15): the identities (OIDC issuer + certificate subject, each
-- exact or a whole-value regular expression) a project trusts, and the site's Sigstore trust root
-- (trusted_root.json) when it replaces the public-good one Berth ships. All of it is public data.
CREATE TABLE trust_keyless_identity (
    id             bigserial PRIMARY KEY,
    project_id     bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    name           text NOT NULL,
    issuer         text,
    issuer_regex   text,
    subject        text,
    subject_regex  text,
    creation_time  timestamptz NOT NULL,
    UNIQUE (project_id, name),
    CHECK ((issuer IS NULL) <> (issuer_regex IS NULL)),
    CHECK ((subject IS NULL) <> (subject_regex IS NULL))
);

-- One row at most: the site's trust root. No row: the shipped public-good trust root.
CREATE TABLE sigstore_trusted_root (
    id           int PRIMARY KEY CHECK (id = 1),
    document     text NOT NULL,
    update_time  timestamptz NOT NULL
);
