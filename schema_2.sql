-- Schema version 2 of the GameBot event store: snapshots and the checkpoints
-- of named subscriptions. Open applies it to a version-1 file, in the same
-- transaction that sets PRAGMA user_version.

-- snapshots holds states folded from a stream's events, so recovery can start
-- from one instead of from version 1. A stream keeps a few per state schema
-- version; the newest valid one wins. position is the global position of the
-- event at version: a snapshot is valid only while that very event is stored,
-- so one left behind by a hard delete, an archive or a stream id used again is
-- recognised as stale without trusting clocks. The state is opaque bytes; a
-- rowid table keeps large states out of the index.
CREATE TABLE snapshots (
    id            INTEGER PRIMARY KEY,
    stream_id     TEXT    NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),       -- the last event folded in
    position      INTEGER NOT NULL,                             -- that event's global position
    state_version INTEGER NOT NULL CHECK (state_version >= 1), -- the state's schema version
    state         BLOB    NOT NULL,
    created_at    INTEGER NOT NULL,                             -- unix microseconds, UTC
    -- The snapshot recovery loads:
    --   WHERE stream_id = ? AND state_version = ? ORDER BY version DESC LIMIT 1;
    -- the upsert of a save, the pruning after it, and the deletes of a
    -- stream's snapshots (WHERE stream_id = ?, a prefix of this index).
    UNIQUE (stream_id, state_version, version)
);

-- subscriptions holds the checkpoint of each named subscription: the global
-- position of the last event its consumer acknowledged. The primary key
-- serves the only two queries, the lookup by name when a subscription starts
-- and the upsert of an acknowledgement.
CREATE TABLE subscriptions (
    name       TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL CHECK (position >= 0),
    updated_at INTEGER NOT NULL -- unix microseconds, UTC
) WITHOUT ROWID;
