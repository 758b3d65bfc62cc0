-- The packages of every stored SBOM report (from any scanner), so that a change of the OSV
-- database re-matches only the artifacts it concerns, and so that "which artifacts contain package
-- X" is a query. Owned by dev.berth.scan.osv; rows go with their report (a re-scan replaces them).
CREATE TABLE sbom_package (
    report_uuid  text NOT NULL REFERENCES scan_report (uuid) ON DELETE CASCADE ON UPDATE CASCADE,
    manifest_id  bigint NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    purl_type    text NOT NULL,             -- maven, npm, deb, ...
    name         text NOT NULL,             -- as reports show it: group:artifact, @scope/name, a deb's binary name
    version      text NOT NULL,
    purl         text NOT NULL,
    ecosystem    text,                      -- the OSV ecosystem and normalised package it is matched under, if any
    package      text
);
CREATE INDEX sbom_package_name ON sbom_package (purl_type, name);
CREATE INDEX sbom_package_osv ON sbom_package (ecosystem, package) WHERE ecosystem IS NOT NULL;
CREATE INDEX sbom_package_report ON sbom_package (report_uuid);
CREATE INDEX sbom_package_manifest ON sbom_package (manifest_id);

-- Which SBOM report was indexed as of which version of it (its end_time).
CREATE TABLE sbom_indexed (
    report_uuid  text PRIMARY KEY REFERENCES scan_report (uuid) ON DELETE CASCADE ON UPDATE CASCADE,
    end_time     timestamptz NOT NULL
);
