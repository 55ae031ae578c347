package eventstore

import (
	"context"
	"fmt"
	"math"
	"time"
)

// snapshotsKept is how many snapshots a stream keeps per state schema
// version. More than one, so a snapshot that no longer decodes can be
// passed over for the one before it.
const snapshotsKept = 3

// Snapshot is a state folded from the events of a stream up to a version,
// saved so that recovery can start from it instead of from version 1.
type Snapshot struct {
	StreamID      string
	Version       int64     // the stream version the state includes
	Position      int64     // the global position of the event at Version
	SchemaVersion int       // the schema version of State, chosen by the caller
	State         []byte    // the encoded state
	CreatedAt     time.Time // when it was saved, by the store's clock, UTC
}

// SaveSnapshot saves state as the state of the stream streamID at version
// version, encoded with the state schema version schemaVersion (1 or more;
// the caller's numbering, independent of event schema versions). A nil state
// is saved as empty. Saving again at the same version and schema version
// replaces the earlier snapshot. The stream keeps its newest few snapshots
// of each schema version and loses those of older schema versions.
//
// The snapshot records which event it was taken at, so it stops counting as
// soon as that event is gone (hard delete, archive): see LoadSnapshot.
//
// Errors, in order: ErrConnection, ErrInvalidStreamID, an error for a
// schemaVersion below 1, ErrStreamNotFound when the stream has no event at
// version, ErrStreamDeleted when it is soft-deleted. Transient failures are
// retried as for Append. It is safe for concurrent use and waits until the
// snapshot is durable.
func (s *Store) SaveSnapshot(ctx context.Context, streamID string, version int64, schemaVersion int, state []byte) error {
	start := time.Now()
	op := Operation{Name: "save_snapshot", StreamID: streamID}
	err := s.checkSnapshot(streamID)
	if err == nil && schemaVersion < 1 {
		err = fmt.Errorf("eventstore: state schema version %d, want 1 or more", schemaVersion)
	}
	if err == nil {
		if state == nil {
			state = []byte{} // the column is NOT NULL
		}
		err = s.write(ctx, &op, func(w *writeTx) error {
			return w.saveSnapshot(streamID, version, schemaVersion, state)
		})
	}
	op.Err = err
	s.done(&op, start)
	return err
}

func (s *Store) checkSnapshot(streamID string) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	return ValidateStreamID(streamID)
}

// saveSnapshot is SaveSnapshot's work inside the write transaction.
func (w *writeTx) saveSnapshot(streamID string, version int64, schemaVersion int, state []byte) error {
	var position int64
	var deleted bool
	err := w.tx.QueryRowContext(context.Background(),
		`SELECT e.position, s.deleted_at IS NOT NULL FROM events e JOIN streams s ON s.stream_id = e.stream_id
		 WHERE e.stream_id = ? AND e.version = ?`, streamID, version).Scan(&position, &deleted)
	switch {
	case isNoRows(err):
		return fmt.Errorf("%w: stream %q has no version %d to snapshot", ErrStreamNotFound, streamID, version)
	case err != nil:
		return &fatalError{translate(err)}
	case deleted:
		return fmt.Errorf("%w: %q", ErrStreamDeleted, streamID)
	}
	_, err = w.exec(`INSERT INTO snapshots (stream_id, version, position, state_version, state, created_at)
		 VALUES (?, ?, ?, ?, ?, ?)
		 ON CONFLICT (stream_id, state_version, version) DO UPDATE SET
		     position = excluded.position, state = excluded.state, created_at = excluded.created_at`,
		streamID, version, position, schemaVersion, state, w.now.UnixMicro())
	if err == nil {
		// Keep the newest few of this schema version; older schema versions
		// can never be loaded by this code again. A NULL from the subquery
		// (fewer than snapshotsKept) deletes nothing.
		_, err = w.exec(`DELETE FROM snapshots WHERE stream_id = ? AND (state_version < ? OR
			 (state_version = ? AND version < (SELECT version FROM snapshots
			     WHERE stream_id = ? AND state_version = ? ORDER BY version DESC LIMIT 1 OFFSET ?)))`,
			streamID, schemaVersion, schemaVersion, streamID, schemaVersion, snapshotsKept-1)
	}
	if err != nil {
		return &fatalError{err}
	}
	return nil
}

// LoadSnapshot returns the newest valid snapshot of the stream streamID
// with the state schema version schemaVersion. Snapshots of other schema
// versions are ignored, and so are snapshots whose event is no longer stored
// at their version (the stream was hard-deleted, archived, or its id used
// again): such a snapshot is beyond the stream or of another stream.
// LoadSnapshot does not look at soft deletion; replaying the stream reports
// it.
//
// Errors: ErrConnection, ErrInvalidStreamID, ErrSnapshotNotFound when there
// is no valid snapshot. Transient failures are retried. It is safe for
// concurrent use; the returned snapshot is the caller's.
func (s *Store) LoadSnapshot(ctx context.Context, streamID string, schemaVersion int) (Snapshot, error) {
	start := time.Now()
	op := Operation{Name: "load_snapshot", StreamID: streamID}
	snap, err := s.loadSnapshot(ctx, &op, streamID, schemaVersion, math.MaxInt64)
	op.Err = err
	s.done(&op, start)
	return snap, err
}

// loadSnapshot returns the newest valid snapshot below version below.
func (s *Store) loadSnapshot(ctx context.Context, op *Operation, streamID string, schemaVersion int, below int64) (Snapshot, error) {
	if err := s.checkSnapshot(streamID); err != nil {
		return Snapshot{}, err
	}
	snap := Snapshot{StreamID: streamID, SchemaVersion: schemaVersion}
	err := s.retryRead(ctx, op, func() error {
		// The join keeps only snapshots whose event is still the one they
		// were taken at.
		var created int64
		err := s.rdb.QueryRowContext(ctx,
			`SELECT sn.version, sn.position, sn.state, sn.created_at FROM snapshots sn
			 JOIN events e ON e.stream_id = sn.stream_id AND e.version = sn.version AND e.position = sn.position
			 WHERE sn.stream_id = ? AND sn.state_version = ? AND sn.version < ?
			 ORDER BY sn.version DESC LIMIT 1`,
			streamID, schemaVersion, below).Scan(&snap.Version, &snap.Position, &snap.State, &created)
		snap.CreatedAt = time.UnixMicro(created).UTC()
		return err
	})
	switch {
	case isNoRows(err):
		return Snapshot{}, fmt.Errorf("%w: stream %q, state schema version %d", ErrSnapshotNotFound, streamID, schemaVersion)
	case err != nil:
		return Snapshot{}, queryError(ctx, err)
	}
	return snap, nil
}

// DeleteSnapshots deletes every snapshot of the stream streamID, of every
// schema version; there being none is not an error. Hard-deleting a stream
// deletes its snapshots too. Errors: ErrConnection, ErrInvalidStreamID. It
// is safe for concurrent use.
func (s *Store) DeleteSnapshots(ctx context.Context, streamID string) error {
	start := time.Now()
	op := Operation{Name: "delete_snapshots", StreamID: streamID}
	err := s.checkSnapshot(streamID)
	if err == nil {
		err = s.write(ctx, &op, func(w *writeTx) error {
			if _, err := w.exec("DELETE FROM snapshots WHERE stream_id = ?", streamID); err != nil {
				return &fatalError{err}
			}
			return nil
		})
	}
	op.Err = err
	s.done(&op, start)
	return err
}
