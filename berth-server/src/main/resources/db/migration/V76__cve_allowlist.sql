-- Harbor's CVE allowlists: the system's (project_id NULL) and one per project. expires_at is in
-- seconds since the epoch; NULL never expires. items keeps the CVE ids in the order given.
CREATE TABLE cve_allowlist (
    id             bigserial PRIMARY KEY,
    project_id     bigint REFERENCES project (id) ON DELETE CASCADE,
    expires_at     bigint,
    items          text[] NOT NULL DEFAULT '{}',
    creation_time  timestamptz NOT NULL,
    update_time    timestamptz NOT NULL
);
CREATE UNIQUE INDEX cve_allowlist_scope ON cve_allowlist (COALESCE(project_id, 0));
