-- Harbor's labels: global ones (scope 'g', no project) made by administrators, and project ones
-- (scope 'p'). A name is unique within its scope and project.
CREATE TABLE label (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL,
    description    text NOT NULL DEFAULT '',
    color          text NOT NULL DEFAULT '',
    scope          char(1) NOT NULL CHECK (scope IN ('g', 'p')),
    project_id     bigint REFERENCES project (id) ON DELETE CASCADE,
    creation_time  timestamptz NOT NULL DEFAULT now(),
    update_time    timestamptz NOT NULL DEFAULT now(),
    CHECK ((scope = 'g') = (project_id IS NULL))
);
CREATE UNIQUE INDEX label_name_per_scope ON label (scope, COALESCE(project_id, 0), name);
CREATE INDEX label_project ON label (project_id);

-- Labels attached to artifacts; both sides disappear with their owner.
CREATE TABLE artifact_label (
    label_id       bigint NOT NULL REFERENCES label (id) ON DELETE CASCADE,
    manifest_id    bigint NOT NULL REFERENCES manifest (id) ON DELETE CASCADE,
    creation_time  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (manifest_id, label_id)
);
CREATE INDEX artifact_label_label ON artifact_label (label_id);
