-- Berth's signature trust policy per project (package signature). version goes up with every change
-- of the policy or its keys; verification results are kept per (manifest, version), so a change
-- makes every old result stale at once, on every replica, without touching the old rows.
CREATE TABLE trust_policy (
    project_id   bigint PRIMARY KEY REFERENCES project (id) ON DELETE CASCADE,
    mode         text NOT NULL CHECK (mode IN ('off', 'warn', 'enforce')),
    kinds        text[] NOT NULL DEFAULT '{cosign}',
    version      bigint NOT NULL,
    update_time  timestamptz NOT NULL
);

-- Trusted cosign public keys: PEM as given (public, not secret) and the algorithm its type fixes.
CREATE TABLE trust_key (
    id             bigserial PRIMARY KEY,
    project_id     bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    name           text NOT NULL,
    key_type       text NOT NULL,
    public_key     text NOT NULL,
    fingerprint    text NOT NULL,
    creation_time  timestamptz NOT NULL,
    UNIQUE (project_id, name)
);

-- One verification of one manifest (by id: one digest in one repository) under one policy version.
-- Written by the trust event consumer; read by the pull path.
CREATE TABLE trust_result (
    manifest_id     bigint NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    policy_version  bigint NOT NULL,
    project_id      bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    digest          text NOT NULL,
    verified        boolean NOT NULL,
    kind            text,
    key_name        text,
    signature       text,
    reason          text NOT NULL,
    checked_at      timestamptz NOT NULL,
    PRIMARY KEY (manifest_id, policy_version)
);
CREATE INDEX trust_result_project ON trust_result (project_id, policy_version);
