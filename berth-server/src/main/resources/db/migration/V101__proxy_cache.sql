-- A project with a registry endpoint is a proxy cache of it (Harbor's project.registry_id).
-- NULL for a normal project. The endpoint cannot be deleted while a project uses it (RegistryUsage).
ALTER TABLE project ADD COLUMN registry_id bigint REFERENCES remote_registry (id);
CREATE INDEX project_registry ON project (registry_id) WHERE registry_id IS NOT NULL;

-- What the proxy cache last learnt from the upstream about a cached tag: the digest the upstream
-- advertised, when it was last asked (a HEAD), and whether the last answer was a failure, so the
-- cached copy was served stale. Keyed by the local repository name (owned by the proxy package,
-- not the registry's tables); a row outliving its repository is harmless: it is only read next to
-- a tag the registry still has.
CREATE TABLE proxy_tag_state (
    repository      text        NOT NULL,
    tag             text        NOT NULL,
    upstream_digest text        NOT NULL,
    checked_at      timestamptz NOT NULL,
    stale           boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (repository, tag)
);
