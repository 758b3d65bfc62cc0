-- Harbor's scan data export (/export/cve): the CSV an export execution wrote, kept in the
-- database so any replica can serve its download; it goes with its execution, and Harbor's
-- rule deletes both once downloaded.
CREATE TABLE scan_data_export (
    execution_id  bigint PRIMARY KEY REFERENCES job_execution (id) ON DELETE CASCADE,
    digest        text NOT NULL,
    size          bigint NOT NULL,
    csv           bytea NOT NULL,
    create_time   timestamptz NOT NULL
);
