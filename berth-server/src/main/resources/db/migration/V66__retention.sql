-- Harbor's tag retention: one policy per project (its id is the project's retention_id metadata),
-- run as executions of the job service (vendor type RETENTION, vendor id the policy's id) with one
-- task per repository.
CREATE TABLE retention_policy (
    id             bigserial PRIMARY KEY,
    project_id     bigint NOT NULL UNIQUE REFERENCES project (id) ON DELETE CASCADE,
    algorithm      text NOT NULL,
    rules          jsonb NOT NULL,
    trigger        jsonb NOT NULL,
    creation_time  timestamptz NOT NULL,
    update_time    timestamptz NOT NULL
);

-- One run: its snapshot (the moment candidates are taken at), and how many repository tasks have
-- ended, so that the one ending last writes the run's TAG_RETENTION event exactly once.
CREATE TABLE retention_run (
    execution_id   bigint PRIMARY KEY REFERENCES job_execution (id) ON DELETE CASCADE,
    policy_id      bigint NOT NULL,
    project_id     bigint NOT NULL,
    dry_run        boolean NOT NULL,
    snapshot       timestamptz NOT NULL,
    tasks_total    integer NOT NULL DEFAULT 0,
    tasks_done     integer NOT NULL DEFAULT 0
);

-- A repository's task of a run, with Harbor's counts and what it deleted (or would delete).
CREATE TABLE retention_task (
    task_id        bigint PRIMARY KEY REFERENCES job_task (id) ON DELETE CASCADE,
    execution_id   bigint NOT NULL REFERENCES job_execution (id) ON DELETE CASCADE,
    repository     text NOT NULL,
    total          integer NOT NULL DEFAULT 0,
    retained       integer NOT NULL DEFAULT 0,
    deleted        jsonb NOT NULL DEFAULT '[]',
    done           boolean NOT NULL DEFAULT false
);
CREATE INDEX retention_task_execution ON retention_task (execution_id, task_id);
