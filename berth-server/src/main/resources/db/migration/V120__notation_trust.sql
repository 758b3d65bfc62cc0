-- Notation verification (package signature): a project's Notary Project trust policy document (JSON,
-- version 1.0, validated by the application) beside its Berth trust policy, and its X.509 trust
-- stores. Certificates are public, stored as the PEM given (normalised).
ALTER TABLE trust_policy ADD COLUMN notation_policy text;

CREATE TABLE trust_notation_store (
    id             bigserial PRIMARY KEY,
    project_id     bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    store_type     text NOT NULL CHECK (store_type IN ('ca', 'signingAuthority')),
    name           text NOT NULL,
    certificates   text NOT NULL,
    creation_time  timestamptz NOT NULL,
    UNIQUE (project_id, store_type, name)
);
