-- The job service: Harbor's execution/task model on a durable queue claimed with SKIP LOCKED.
-- An execution is one run of a policy or trigger; each of its tasks is one queued job.

CREATE TABLE job_execution (
    id              bigserial PRIMARY KEY,
    vendor_type     text NOT NULL,
    vendor_id       bigint NOT NULL DEFAULT -1,
    status          text NOT NULL DEFAULT 'Pending',
    status_message  text NOT NULL DEFAULT '',
    trigger         text NOT NULL,
    extra_attrs     jsonb NOT NULL DEFAULT '{}',
    start_time      timestamptz NOT NULL,
    end_time        timestamptz,
    update_time     timestamptz NOT NULL
);
CREATE INDEX job_execution_vendor ON job_execution (vendor_type, vendor_id, id DESC);

CREATE TABLE job_task (
    id              bigserial PRIMARY KEY,
    execution_id    bigint NOT NULL REFERENCES job_execution (id) ON DELETE CASCADE,
    job_type        text NOT NULL,
    parameters      jsonb NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'Pending',
    status_message  text NOT NULL DEFAULT '',
    run_count       int NOT NULL DEFAULT 0,
    max_attempts    int NOT NULL,
    timeout_seconds bigint NOT NULL,
    -- Pending: not claimable before this instant (retry backoff); the queue's age for latency.
    run_after       timestamptz NOT NULL,
    enqueued_at     timestamptz NOT NULL,
    -- Running: the worker holding the lease, and until when; an expired lease means the worker died.
    locked_by       text,
    locked_until    timestamptz,
    stop_requested  boolean NOT NULL DEFAULT false,
    progress        int NOT NULL DEFAULT 0,
    start_time      timestamptz,
    end_time        timestamptz,
    update_time     timestamptz NOT NULL
);
CREATE INDEX job_task_execution ON job_task (execution_id);
CREATE INDEX job_task_pending ON job_task (run_after) WHERE status = 'Pending';
CREATE INDEX job_task_running ON job_task (locked_until) WHERE status = 'Running';

-- One row per line: appending never rewrites what is already logged.
CREATE TABLE job_task_log (
    id          bigserial PRIMARY KEY,
    task_id     bigint NOT NULL REFERENCES job_task (id) ON DELETE CASCADE,
    logged_at   timestamptz NOT NULL,
    line        text NOT NULL
);
CREATE INDEX job_task_log_task ON job_task_log (task_id, id);

-- Paused job types (the dashboard's queue pause); SCHEDULER stands for all schedules.
CREATE TABLE job_queue_state (
    job_type    text PRIMARY KEY,
    paused      boolean NOT NULL,
    update_time timestamptz NOT NULL
);

-- Live worker pools, one per replica with jobs enabled, kept fresh by its heartbeat.
CREATE TABLE job_worker_pool (
    id           text PRIMARY KEY,
    pid          bigint NOT NULL,
    host         text NOT NULL,
    concurrency  int NOT NULL,
    start_at     timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL
);

-- Harbor's schedule: a cron (6 fields, seconds first) firing a vendor's job. next_fire is advanced
-- with a compare-and-set, so each period fires on exactly one replica.
CREATE TABLE job_schedule (
    id            bigserial PRIMARY KEY,
    vendor_type   text NOT NULL,
    vendor_id     bigint NOT NULL DEFAULT -1,
    cron_type     text NOT NULL,
    cron          text NOT NULL,
    parameters    jsonb NOT NULL DEFAULT '{}',
    next_fire     timestamptz NOT NULL,
    creation_time timestamptz NOT NULL,
    update_time   timestamptz NOT NULL,
    UNIQUE (vendor_type, vendor_id)
);
