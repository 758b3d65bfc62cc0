-- extra_attrs are now derived when a manifest is pushed (ConfigAttributesOnPush); what came without
-- them (manifests from before, bulk loads straight into the database, derivations lost at a
-- shutdown) is derived by a background backfill after start-up (ConfigAttributesBackfill). It
-- remembers here up to which manifest id it has looked at every manifest, so that a start only scans
-- the manifests created since the previous one. One row; 0 makes the first start look at all.
CREATE TABLE config_attributes_backfill (
    singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    scanned_through  bigint NOT NULL
);
INSERT INTO config_attributes_backfill (scanned_through) VALUES (0);
