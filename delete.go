package eventstore

import (
	"context"
	"fmt"
	"time"
)

// DeleteMode says how DeleteStream deletes.
type DeleteMode int

const (
	// SoftDelete marks the stream deleted: reading or appending to it is
	// ErrStreamDeleted from then on, its events stay in the global order and
	// their ids stay taken.
	SoftDelete DeleteMode = iota
	// HardDelete removes the stream's events for good. Their positions are
	// never handed out again; the stream id may be used again from version 1,
	// and so may the event ids.
	HardDelete
)

// String returns "soft" or "hard".
func (m DeleteMode) String() string {
	if m == HardDelete {
		return "hard"
	}
	return "soft"
}

// DeleteStream deletes the stream streamID when its version matches
// expected (checked as by Append). Errors, in order: ErrConnection,
// ErrInvalidStreamID, ErrInvalidExpectedVersion, ErrStreamNotFound (no
// events), ErrStreamDeleted (already soft-deleted: it cannot be deleted
// again, softly or hard), *VersionError. It is safe for concurrent use.
func (s *Store) DeleteStream(ctx context.Context, streamID string, expected ExpectedVersion, mode DeleteMode) error {
	start := time.Now()
	op := Operation{Name: "delete_stream", StreamID: streamID}
	err := s.checkDelete(streamID, expected, mode)
	if err == nil {
		err = s.write(ctx, &op, func(w *writeTx) error {
			return w.deleteStream(streamID, expected, mode)
		})
	}
	op.Err = err
	s.done(&op, start)
	return err
}

func (s *Store) checkDelete(streamID string, expected ExpectedVersion, mode DeleteMode) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	if err := ValidateStreamID(streamID); err != nil {
		return err
	}
	if !expected.valid() {
		return fmt.Errorf("%w: %d", ErrInvalidExpectedVersion, int64(expected))
	}
	if mode != SoftDelete && mode != HardDelete {
		return fmt.Errorf("eventstore: invalid delete mode %d", int(mode))
	}
	return nil
}

// deleteStream is DeleteStream's work inside the write transaction.
func (w *writeTx) deleteStream(streamID string, expected ExpectedVersion, mode DeleteMode) error {
	st, err := w.stream(streamID)
	switch {
	case err != nil:
		return err
	case !st.exists:
		return fmt.Errorf("%w: %q", ErrStreamNotFound, streamID)
	case st.deleted:
		return fmt.Errorf("%w: %q", ErrStreamDeleted, streamID)
	}
	if err := st.check(streamID, expected); err != nil {
		return err
	}
	if mode == SoftDelete {
		_, err = w.exec("UPDATE streams SET deleted_at = ? WHERE stream_id = ?", w.now.UnixMicro(), streamID)
	} else {
		// The stream row first: without it the events_removed trigger
		// records nothing (schema_3.sql).
		if _, err = w.exec("DELETE FROM streams WHERE stream_id = ?", streamID); err == nil {
			_, err = w.exec("DELETE FROM events WHERE stream_id = ?", streamID)
		}
		if err == nil {
			_, err = w.exec("DELETE FROM snapshots WHERE stream_id = ?", streamID)
		}
	}
	if err != nil {
		return &fatalError{err}
	}
	return nil
}
