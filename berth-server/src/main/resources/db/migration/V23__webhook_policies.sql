-- Harbor's webhook (notification) policies: per project, a name unique in the project, the event
-- types it listens to and where it sends them. Targets are kept as JSON, as Harbor keeps them; their
-- auth headers and signing secrets only in sealed form (dev.berth.crypto.SecretBox), never plain.
CREATE TABLE webhook_policy (
    id            bigserial PRIMARY KEY,
    project_id    bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    name          text NOT NULL,
    description   text NOT NULL DEFAULT '',
    event_types   text[] NOT NULL,
    targets       jsonb NOT NULL,
    creator       text NOT NULL,
    enabled       boolean NOT NULL,
    creation_time timestamptz NOT NULL,
    update_time   timestamptz NOT NULL,
    UNIQUE (project_id, name)
);
