-- Harbor's registry endpoints (/api/v2.0/registries): the remote registries that replication
-- policies and proxy-cache projects point at. A name is unique. The credential's access key and
-- secret are kept only in sealed form (dev.berth.crypto.SecretBox, bound to the row's id and the
-- field), never plain; credential_type is 'basic', 'oauth' or 'secret' as Harbor spells them.
CREATE TABLE remote_registry (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    description     text NOT NULL DEFAULT '',
    type            text NOT NULL,
    url             text NOT NULL,
    insecure        boolean NOT NULL DEFAULT false,
    credential_type text,
    access_key      text,
    access_secret   text,
    status          text NOT NULL DEFAULT 'healthy',
    creation_time   timestamptz NOT NULL,
    update_time     timestamptz NOT NULL
);
