-- Harbor's replication policies (/api/v2.0/replication/policies). One of the two registries is
-- this Berth (0 here, NULL in neither column: Harbor's "local" registry has id 0); the other is a
-- registry endpoint of the remote package (remote_registry.id), which that package will not delete
-- while a policy names it (dev.berth.remote.RegistryUsage). Filters and the trigger are kept as
-- Harbor's JSON shapes.
CREATE TABLE replication_policy (
    id                           bigserial PRIMARY KEY,
    name                         text NOT NULL UNIQUE,
    description                  text NOT NULL DEFAULT '',
    creator                      text NOT NULL,
    src_registry_id              bigint NOT NULL,
    dest_registry_id             bigint NOT NULL,
    dest_namespace               text NOT NULL DEFAULT '',
    dest_namespace_replace_count smallint NOT NULL DEFAULT -1,
    filters                      jsonb NOT NULL DEFAULT '[]',
    trigger                      jsonb NOT NULL,
    replicate_deletion           boolean NOT NULL DEFAULT false,
    override                     boolean NOT NULL DEFAULT false,
    enabled                      boolean NOT NULL DEFAULT false,
    speed                        integer NOT NULL DEFAULT 0,
    copy_by_chunk                boolean NOT NULL DEFAULT false,
    single_active_replication    boolean NOT NULL DEFAULT false,
    creation_time                timestamptz NOT NULL,
    update_time                  timestamptz NOT NULL,
    CHECK ((src_registry_id = 0) <> (dest_registry_id = 0))
);
CREATE INDEX replication_policy_src ON replication_policy (src_registry_id) WHERE src_registry_id <> 0;
CREATE INDEX replication_policy_dest ON replication_policy (dest_registry_id) WHERE dest_registry_id <> 0;
