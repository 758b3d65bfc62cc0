-- What each replication copy task moves (the job service's task row holds its status, attempts and
-- log): Harbor's ReplicationTask fields. Written with the task, in the planning transaction.
CREATE TABLE replication_task (
    task_id       bigint PRIMARY KEY,
    execution_id  bigint NOT NULL,
    operation     text NOT NULL,
    resource_type text NOT NULL,
    src_resource  text NOT NULL,
    dst_resource  text NOT NULL
);
CREATE INDEX replication_task_execution ON replication_task (execution_id);
