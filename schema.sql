-- Schema version 1 of the GameBot event store.
-- The file is marked with PRAGMA application_id and its schema version is
-- PRAGMA user_version; both are set by Open, not here.

-- events is the append-only log. position is the global $all order:
-- AUTOINCREMENT never hands out a number twice, even after the newest rows are
-- hard-deleted, and a rolled-back insert gives its number back.
CREATE TABLE events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id      TEXT    NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 1),
    event_id       TEXT    NOT NULL,
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    guild_id       TEXT    NOT NULL DEFAULT '',
    data           BLOB    NOT NULL,
    metadata       BLOB    NOT NULL,
    created_at     INTEGER NOT NULL, -- unix microseconds, UTC
    -- The optimistic-concurrency guard, and the index of every stream read:
    -- WHERE stream_id = ? AND version >= ? ORDER BY version.
    UNIQUE (stream_id, version),
    -- Idempotent appends look events up by id.
    UNIQUE (event_id)
);

-- A guild's events in global order: ReadAll with a guild filter, exports and
-- deletes of one guild.
CREATE INDEX events_by_guild ON events (guild_id, position);

-- ReadAll with an event type filter, and per-type statistics.
CREATE INDEX events_by_type ON events (event_type, position);

-- Events are immutable: rows leave only through hard delete and archiving.
CREATE TRIGGER events_are_immutable BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are immutable');
END;

-- streams holds one row per stream that has events: the version check of an
-- append reads one row here instead of scanning events. A hard delete removes
-- the row; a soft delete sets deleted_at.
CREATE TABLE streams (
    stream_id   TEXT    PRIMARY KEY,
    version     INTEGER NOT NULL,
    event_count INTEGER NOT NULL,
    guild_id    TEXT    NOT NULL DEFAULT '', -- the guild of its first event
    created_at  INTEGER NOT NULL,            -- unix microseconds, UTC
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER                       -- set by a soft delete
) WITHOUT ROWID;

-- Streams filtered by guild, paged by stream id.
CREATE INDEX streams_by_guild ON streams (guild_id, stream_id);
