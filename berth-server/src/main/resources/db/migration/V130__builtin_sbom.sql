-- The SBOM of every artifact the built-in scanner catalogued (CycloneDX 1.6 JSON), kept so that
-- reports can be matched again when the vulnerability database changes without reading any layer,
-- and its packages by Package URL, so "which artifacts contain package X" is one indexed query.
CREATE TABLE builtin_sbom (
    manifest_id   bigint PRIMARY KEY REFERENCES manifest (id) ON DELETE CASCADE,
    digest        text NOT NULL,
    cyclonedx     jsonb NOT NULL,
    package_count integer NOT NULL,
    created       timestamptz NOT NULL
);

-- purl_type and purl_name are the Package URL's type and namespace/name (e.g. maven,
-- org.apache.logging.log4j/log4j-core), the keys an advisory names a package by.
CREATE TABLE builtin_sbom_package (
    manifest_id bigint NOT NULL REFERENCES builtin_sbom (manifest_id) ON DELETE CASCADE,
    purl        text NOT NULL,
    purl_type   text NOT NULL,
    purl_name   text NOT NULL,
    version     text NOT NULL,
    PRIMARY KEY (manifest_id, purl)
);
CREATE INDEX builtin_sbom_package_name ON builtin_sbom_package (purl_type, purl_name);
