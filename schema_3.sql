-- Schema version 3 of the GameBot event store: the stream row is written only
-- when a stream is created, soft-deleted or hard-deleted, no longer by every
-- append. Open applies it to a version-2 file, in the same transaction that
-- sets PRAGMA user_version.
--
-- A stream's version is the highest version of its events, read through the
-- (stream_id, version) index of events; its event count equals its version
-- (versions have no gaps, and a hard delete removes the whole stream); when it
-- was last written is the created_at of its last event.
--
-- lost_version keeps damage visible: an event row removed while its stream
-- row exists — from outside the store; a hard delete removes the stream row
-- first — records its version here, and the stream's version never drops
-- below it, so recovery reports the missing events instead of folding a
-- silently shorter stream. A file migrated with such damage already done
-- carries its old recorded version over.
ALTER TABLE streams ADD COLUMN lost_version INTEGER;

UPDATE streams SET lost_version = version
WHERE version > COALESCE((SELECT max(e.version) FROM events e WHERE e.stream_id = streams.stream_id), 0);

ALTER TABLE streams DROP COLUMN version;
ALTER TABLE streams DROP COLUMN event_count;
ALTER TABLE streams DROP COLUMN updated_at;

CREATE TRIGGER events_removed AFTER DELETE ON events
BEGIN
    UPDATE streams SET lost_version = max(COALESCE(lost_version, 0), OLD.version)
    WHERE stream_id = OLD.stream_id;
END;
