package dev.berth.importer;

/**
 * The tables {@code import-harbor} reads, shaped as Harbor's migrations leave them (written for
 * these tests from the columns Harbor's {@code make/migrations/postgresql} define, not copied).
 * Harbor 2.8 and 2.14 differ here in {@code artifact.artifact_type} (2.11) and
 * {@code robot.creator_ref}/{@code creator_type} (2.12).
 */
enum HarborSchema {
    V2_8(111),
    V2_14(171);

    final int migration;

    HarborSchema(int migration) {
        this.migration = migration;
    }

    String ddl() {
        boolean modern = this == V2_14;
        return """
                CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
                INSERT INTO schema_migrations VALUES (%d, false);
                CREATE TABLE harbor_user (
                  user_id SERIAL PRIMARY KEY NOT NULL,
                  username varchar(255),
                  email varchar(255),
                  password varchar(40) NOT NULL,
                  realname varchar(255) NOT NULL,
                  comment varchar(30),
                  deleted boolean DEFAULT false NOT NULL,
                  reset_uuid varchar(40) DEFAULT NULL,
                  salt varchar(40) DEFAULT NULL,
                  sysadmin_flag boolean DEFAULT false NOT NULL,
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  password_version varchar(16) DEFAULT 'sha256',
                  UNIQUE (username), UNIQUE (email));
                CREATE TABLE project (
                  project_id SERIAL PRIMARY KEY NOT NULL,
                  owner_id int NOT NULL REFERENCES harbor_user (user_id),
                  name varchar(255) NOT NULL UNIQUE,
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  deleted boolean DEFAULT false NOT NULL,
                  registry_id int);
                CREATE TABLE project_metadata (
                  id SERIAL NOT NULL PRIMARY KEY,
                  project_id int NOT NULL REFERENCES project (project_id),
                  name varchar(255) NOT NULL,
                  value varchar(255),
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  CONSTRAINT unique_project_id_and_name UNIQUE (project_id, name));
                CREATE TABLE user_group (
                  id SERIAL NOT NULL PRIMARY KEY,
                  group_name varchar(255) NOT NULL,
                  group_type smallint DEFAULT 0,
                  ldap_group_dn varchar(512) NOT NULL,
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP);
                CREATE TABLE project_member (
                  id SERIAL NOT NULL PRIMARY KEY,
                  project_id int NOT NULL,
                  entity_id int NOT NULL,
                  entity_type char(1) NOT NULL,
                  role int NOT NULL,
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  CONSTRAINT unique_project_entity_type UNIQUE (project_id, entity_id, entity_type));
                CREATE TABLE robot (
                  id SERIAL PRIMARY KEY NOT NULL,
                  name varchar(255),
                  description varchar(1024),
                  project_id int,
                  expiresat bigint,
                  disabled boolean DEFAULT false NOT NULL,
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  visible boolean DEFAULT true NOT NULL,
                  secret varchar(2048),
                  salt varchar(64),
                  duration int,
                  %s
                  CONSTRAINT unique_robot UNIQUE (name, project_id));
                CREATE TABLE harbor_label (
                  id SERIAL PRIMARY KEY NOT NULL,
                  name varchar(128) NOT NULL,
                  description text,
                  color varchar(16),
                  level char(1) NOT NULL,
                  scope char(1) NOT NULL,
                  project_id int,
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  deleted boolean DEFAULT false NOT NULL,
                  CONSTRAINT unique_label UNIQUE (name, scope, project_id));
                CREATE TABLE repository (
                  repository_id SERIAL NOT NULL PRIMARY KEY,
                  name varchar(255) NOT NULL UNIQUE,
                  project_id int NOT NULL,
                  description text,
                  pull_count int DEFAULT 0 NOT NULL,
                  star_count int DEFAULT 0 NOT NULL,
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP);
                CREATE TABLE artifact (
                  id SERIAL PRIMARY KEY NOT NULL,
                  project_id int NOT NULL,
                  repository_name varchar(255) NOT NULL,
                  digest varchar(255) NOT NULL,
                  type varchar(255) NOT NULL,
                  pull_time timestamp,
                  push_time timestamp,
                  repository_id int NOT NULL,
                  media_type varchar(255) NOT NULL,
                  manifest_media_type varchar(255) NOT NULL,
                  size bigint,
                  extra_attrs text,
                  annotations jsonb,
                  icon varchar(255),
                  %s
                  CONSTRAINT unique_artifact UNIQUE (repository_id, digest));
                CREATE TABLE tag (
                  id SERIAL PRIMARY KEY NOT NULL,
                  repository_id int NOT NULL,
                  artifact_id int NOT NULL REFERENCES artifact (id),
                  name varchar(255) NOT NULL,
                  push_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  pull_time timestamp,
                  CONSTRAINT unique_tag UNIQUE (repository_id, name));
                CREATE TABLE artifact_reference (
                  id SERIAL PRIMARY KEY NOT NULL,
                  parent_id int NOT NULL REFERENCES artifact (id),
                  child_id int NOT NULL REFERENCES artifact (id),
                  child_digest varchar(255) NOT NULL,
                  platform varchar(255),
                  urls varchar(1024),
                  annotations jsonb,
                  CONSTRAINT unique_reference UNIQUE (parent_id, child_id));
                CREATE TABLE artifact_accessory (
                  id SERIAL PRIMARY KEY NOT NULL,
                  artifact_id bigint REFERENCES artifact (id),
                  subject_artifact_id bigint,
                  type varchar(256),
                  size bigint,
                  digest varchar(1024),
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  subject_artifact_digest varchar(1024),
                  subject_artifact_repo varchar(1024));
                CREATE TABLE label_reference (
                  id SERIAL PRIMARY KEY NOT NULL,
                  label_id int NOT NULL REFERENCES harbor_label (id),
                  artifact_id int NOT NULL REFERENCES artifact (id),
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  CONSTRAINT unique_label_reference UNIQUE (label_id, artifact_id));
                CREATE TABLE quota (
                  id SERIAL PRIMARY KEY NOT NULL,
                  reference varchar(255) NOT NULL,
                  reference_id varchar(255) NOT NULL,
                  hard JSONB NOT NULL,
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  version bigint DEFAULT 0,
                  UNIQUE (reference, reference_id));
                CREATE TABLE immutable_tag_rule (
                  id SERIAL PRIMARY KEY NOT NULL,
                  project_id int NOT NULL,
                  tag_filter text,
                  disabled boolean NOT NULL DEFAULT false,
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  UNIQUE (project_id, tag_filter));
                CREATE TABLE retention_policy (
                  id SERIAL PRIMARY KEY NOT NULL,
                  scope_level varchar(20),
                  scope_reference integer,
                  trigger_kind varchar(20),
                  data text,
                  create_time timestamp,
                  update_time timestamp);
                CREATE TABLE notification_policy (
                  id SERIAL NOT NULL PRIMARY KEY,
                  name varchar(256),
                  project_id int NOT NULL,
                  enabled boolean NOT NULL DEFAULT true,
                  description text,
                  targets text,
                  event_types text,
                  creator varchar(256),
                  creation_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  update_time timestamp DEFAULT CURRENT_TIMESTAMP,
                  CONSTRAINT unique_project_id UNIQUE (project_id, name));
                """.formatted(
                        migration,
                        modern ? "creator_ref integer DEFAULT 0, creator_type varchar(255)," : "",
                        modern ? "artifact_type varchar(255) NOT NULL," : "");
    }
}
