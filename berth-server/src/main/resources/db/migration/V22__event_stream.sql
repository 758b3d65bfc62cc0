-- The event stream (docs/events.md): a transactional outbox. Every change that Harbor turns into an
-- event writes one row here in the transaction that makes the change, so an event exists exactly
-- when its change committed.
--
-- Rows are read in (txid, id) order, and only below the oldest transaction still running
-- (pg_snapshot_xmin): ids are handed out before commit, so a reader going by id alone could pass an
-- id whose transaction commits later and never see it. Below xmin every writer has ended, so the
-- order is final there and a consumer's checkpoint never skips a row.
CREATE TABLE event (
    id          bigserial PRIMARY KEY,
    txid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    type        text NOT NULL,
    -- 0 for events that belong to no project
    project_id  bigint NOT NULL,
    occurred_at timestamptz NOT NULL,
    operator    text NOT NULL,
    request_id  text NOT NULL DEFAULT '',
    data        jsonb NOT NULL
);
CREATE INDEX event_stream ON event (txid, id);
CREATE INDEX event_occurred ON event (occurred_at);

-- One row per consumer (webhook delivery, scan on push, replication, ...): how far it has read.
-- A dispatcher holds the row's lock while it hands a batch to the consumer and moves the checkpoint
-- in the same transaction, so one replica at a time reads for a consumer and a batch is handed over
-- once, or, if the replica dies, again by the next one.
CREATE TABLE event_consumer (
    name        text PRIMARY KEY,
    last_txid   xid8 NOT NULL,
    last_id     bigint NOT NULL,
    processed   bigint NOT NULL DEFAULT 0,
    skipped     bigint NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL
);
