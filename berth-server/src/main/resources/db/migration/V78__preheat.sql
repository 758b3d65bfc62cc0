-- Harbor's P2P preheat: provider instances (system-wide, configured by system administrators) and
-- preheat policies per project. auth_info holds the instance's credentials sealed by SecretBox
-- (never plain text); filters, trigger and extra_attrs keep Harbor's JSON strings as given.
CREATE TABLE p2p_preheat_instance (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    description     text NOT NULL DEFAULT '',
    vendor          text NOT NULL,
    endpoint        text NOT NULL UNIQUE,
    auth_mode       text NOT NULL DEFAULT 'NONE',
    auth_info       text,
    enabled         boolean NOT NULL DEFAULT true,
    is_default      boolean NOT NULL DEFAULT false,
    insecure        boolean NOT NULL DEFAULT false,
    setup_timestamp bigint NOT NULL
);

CREATE TABLE p2p_preheat_policy (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL,
    description   text NOT NULL DEFAULT '',
    project_id    bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    provider_id   bigint NOT NULL REFERENCES p2p_preheat_instance (id),
    filters       text NOT NULL,
    trigger       text NOT NULL,
    enabled       boolean NOT NULL DEFAULT false,
    extra_attrs   text NOT NULL DEFAULT '',
    creation_time timestamptz NOT NULL,
    update_time   timestamptz NOT NULL,
    UNIQUE (project_id, name)
);
CREATE INDEX p2p_preheat_policy_provider ON p2p_preheat_policy (provider_id);
