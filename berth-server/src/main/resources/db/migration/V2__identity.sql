-- Identity and access: users, projects, members, robot accounts, sessions, settings, audit log.

CREATE TABLE app_user (
    id             bigserial PRIMARY KEY,
    username       text COLLATE "C" NOT NULL UNIQUE,
    email          text UNIQUE,
    realname       text NOT NULL DEFAULT '',
    comment        text NOT NULL DEFAULT '',
    password_hash  text NOT NULL,
    sysadmin       boolean NOT NULL DEFAULT false,
    creation_time  timestamptz NOT NULL DEFAULT now(),
    update_time    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project (
    id             bigserial PRIMARY KEY,
    name           text COLLATE "C" NOT NULL UNIQUE,
    owner_id       bigint REFERENCES app_user (id) ON DELETE SET NULL,
    storage_limit  bigint NOT NULL DEFAULT -1,
    creation_time  timestamptz NOT NULL DEFAULT now(),
    update_time    timestamptz NOT NULL DEFAULT now()
);

-- Harbor's project metadata: string values keyed by name (public, auto_scan, severity, ...).
CREATE TABLE project_metadata (
    project_id  bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    name        text NOT NULL,
    value       text NOT NULL,
    PRIMARY KEY (project_id, name)
);

CREATE TABLE user_group (
    id             bigserial PRIMARY KEY,
    group_name     text NOT NULL,
    group_type     integer NOT NULL,
    ldap_group_dn  text NOT NULL DEFAULT '',
    creation_time  timestamptz NOT NULL DEFAULT now(),
    update_time    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (group_type, group_name)
);

-- entity_type 'u' (user) or 'g' (group); role 1 project admin, 2 developer, 3 guest, 4 maintainer, 5 limited guest.
CREATE TABLE project_member (
    id             bigserial PRIMARY KEY,
    project_id     bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    entity_type    char(1) NOT NULL CHECK (entity_type IN ('u', 'g')),
    entity_id      bigint NOT NULL,
    role           integer NOT NULL CHECK (role BETWEEN 1 AND 5),
    creation_time  timestamptz NOT NULL DEFAULT now(),
    update_time    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, entity_type, entity_id)
);
CREATE INDEX project_member_entity ON project_member (entity_type, entity_id);

-- Robot accounts: project_id NULL for system robots. The secret is stored as a SHA-256 hash
-- (it is random and long, so a slow hash adds nothing).
CREATE TABLE robot (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL,
    description    text NOT NULL DEFAULT '',
    project_id     bigint REFERENCES project (id) ON DELETE CASCADE,
    secret_hash    text NOT NULL,
    disabled       boolean NOT NULL DEFAULT false,
    duration       integer NOT NULL,
    expires_at     bigint NOT NULL,
    creator_ref    text NOT NULL DEFAULT '',
    creation_time  timestamptz NOT NULL DEFAULT now(),
    update_time    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX robot_name ON robot (COALESCE(project_id, 0), name);

CREATE TABLE robot_permission (
    robot_id   bigint NOT NULL REFERENCES robot (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('system', 'project')),
    namespace  text NOT NULL,
    resource   text NOT NULL,
    action     text NOT NULL,
    effect     text NOT NULL DEFAULT 'allow',
    PRIMARY KEY (robot_id, kind, namespace, resource, action)
);

-- Portal sessions: the cookie carries a random id; only its hash is stored.
CREATE TABLE web_session (
    id_hash     text PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX web_session_expiry ON web_session (expires_at);

-- Harbor's runtime configuration (/api/v2.0/configurations), one JSON value per item.
CREATE TABLE system_config (
    name   text PRIMARY KEY,
    value  jsonb NOT NULL
);

CREATE TABLE audit_log (
    id             bigserial PRIMARY KEY,
    project_id     bigint,
    operation      text NOT NULL,
    resource_type  text NOT NULL,
    resource       text NOT NULL,
    username       text NOT NULL,
    op_time        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_time ON audit_log (op_time DESC, id DESC);
CREATE INDEX audit_log_project ON audit_log (project_id, op_time DESC);

-- Every repository lives in a project: the first component of its name.
ALTER TABLE repository ADD COLUMN project_id bigint REFERENCES project (id);
INSERT INTO project (name)
SELECT DISTINCT split_part(name, '/', 1) FROM repository
ON CONFLICT (name) DO NOTHING;
UPDATE repository r SET project_id = p.id FROM project p WHERE p.name = split_part(r.name, '/', 1);
CREATE INDEX repository_project ON repository (project_id);

-- The default public project, as in Harbor.
INSERT INTO project (name) VALUES ('library') ON CONFLICT (name) DO NOTHING;
INSERT INTO project_metadata (project_id, name, value)
SELECT id, 'public', 'true' FROM project WHERE name = 'library'
ON CONFLICT DO NOTHING;
