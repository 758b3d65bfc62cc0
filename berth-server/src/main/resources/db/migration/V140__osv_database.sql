-- The built-in scanner's vulnerability database: OSV advisories (https://ossf.github.io/osv-schema/)
-- loaded from OSV's per-ecosystem archives (<Ecosystem>/all.zip) or imported from such a file.
-- Owned by dev.berth.scan.osv.

-- One row per loaded archive: where it came from, when, and its HTTP validator for the next update.
CREATE TABLE osv_archive (
    name         text PRIMARY KEY,          -- the archive's ecosystem, e.g. Debian, Maven, npm
    source       text NOT NULL,             -- the URL, or "import" for an uploaded file
    etag         text,
    loaded_at    timestamptz,               -- when its content was last checked complete and current (NULL: never)
    advisories   integer NOT NULL,
    newest       timestamptz                -- the newest "modified" among its advisories
);

-- An advisory as the archive holds it. The same advisory can be in two archives (a GHSA record
-- for an npm and a Maven package); each archive keeps its own copy so that each load can remove
-- what its archive no longer has.
CREATE TABLE osv_advisory (
    archive      text NOT NULL REFERENCES osv_archive (name) ON DELETE CASCADE,
    id           text NOT NULL,
    modified     timestamptz NOT NULL,
    record       jsonb NOT NULL,
    PRIMARY KEY (archive, id)
);

-- One row per "affected" entry, for finding an SBOM package's advisories: the exact ecosystem
-- (Debian:12, Alpine:v3.19) and the package name normalised as dev.berth.scan.osv.Ecosystems does.
CREATE TABLE osv_affected (
    archive      text NOT NULL,
    advisory_id  text NOT NULL,
    ordinal      integer NOT NULL,
    ecosystem    text NOT NULL,
    package      text NOT NULL,
    PRIMARY KEY (archive, advisory_id, ordinal),
    FOREIGN KEY (archive, advisory_id) REFERENCES osv_advisory (archive, id) ON DELETE CASCADE
);
CREATE INDEX osv_affected_package ON osv_affected (ecosystem, package);
