-- Harbor's scanner registrations: adapters speaking the pluggable scanner API. The access
-- credential is sealed with SecretBox (context "scanner:<uuid>") and never returned.
-- At most one registration is the system default.
CREATE TABLE scanner_registration (
    id                 bigserial PRIMARY KEY,
    uuid               text NOT NULL UNIQUE,
    name               text NOT NULL UNIQUE,
    description        text NOT NULL DEFAULT '',
    url                text NOT NULL UNIQUE,
    auth               text NOT NULL DEFAULT '',
    access_credential  text,
    skip_cert_verify   boolean NOT NULL DEFAULT false,
    use_internal_addr  boolean NOT NULL DEFAULT false,
    disabled           boolean NOT NULL DEFAULT false,
    is_default         boolean NOT NULL DEFAULT false,
    create_time        timestamptz NOT NULL,
    update_time        timestamptz NOT NULL
);
CREATE UNIQUE INDEX scanner_registration_one_default ON scanner_registration ((true)) WHERE is_default;

-- A project's own scanner; without a row the project uses the system default.
CREATE TABLE project_scanner (
    project_id       bigint PRIMARY KEY REFERENCES project (id) ON DELETE CASCADE,
    registration_id  bigint NOT NULL REFERENCES scanner_registration (id) ON DELETE CASCADE
);

-- One report per (artifact, scanner, report MIME type), as Harbor keeps them. status follows
-- Harbor's job states (Pending, Running, Success, Error, Stopped). task_id is the job task whose
-- log is the report's log; robot_id the scan's pull credential while it lives.
CREATE TABLE scan_report (
    uuid               text PRIMARY KEY,
    manifest_id        bigint NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    digest             text NOT NULL,
    registration_uuid  text NOT NULL,
    mime_type          text NOT NULL,
    status             text NOT NULL,
    task_id            bigint,
    robot_id           bigint,
    scan_request_id    text,
    scanner_name       text NOT NULL DEFAULT '',
    scanner_vendor     text NOT NULL DEFAULT '',
    scanner_version    text NOT NULL DEFAULT '',
    severity           text NOT NULL DEFAULT '',
    report             jsonb,
    summary            jsonb,
    start_time         timestamptz NOT NULL,
    end_time           timestamptz,
    UNIQUE (manifest_id, registration_uuid, mime_type)
);
CREATE INDEX scan_report_registration ON scan_report (registration_uuid);

-- Robots minted by Berth for its own use (a scan's pull credential) are not listed with a
-- project's robots; Harbor hides them the same way.
ALTER TABLE robot ADD COLUMN visible boolean NOT NULL DEFAULT true;
