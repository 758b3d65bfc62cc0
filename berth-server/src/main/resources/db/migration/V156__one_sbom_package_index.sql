-- One package index (sbom_package, V141) for every SBOM Berth keeps: an SBOM report of any
-- scanner (report_uuid set), or the SBOM the built-in scanner keeps per artifact for re-matching
-- (report_uuid NULL; replaced when it is kept again, gone with the artifact). The built-in
-- scanner's own index, builtin_sbom_package (V130), is dropped: it was written but never read.
-- Its rows are rebuilt from builtin_sbom.cyclonedx (the document they were taken from) by the
-- index's catch-up at start-up, which already reads documents the same way; the index's name and
-- OSV columns (Maven group:artifact, PEP 503 names, the OSV ecosystem of a distribution's
-- release) are computed in Java, so SQL cannot copy the old rows faithfully.
ALTER TABLE sbom_package ALTER COLUMN report_uuid DROP NOT NULL;
CREATE INDEX sbom_package_builtin ON sbom_package (manifest_id) WHERE report_uuid IS NULL;
DROP TABLE builtin_sbom_package;
