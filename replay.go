package eventstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"
)

// ReplayError reports the event a replay stopped at: a version missing from
// the stream, or an event the apply function refused. Err holds the cause;
// errors.Is and errors.As see through to it.
type ReplayError struct {
	StreamID string
	Version  int64 // the version that was missing or refused
	Position int64 // its global position; 0 when no such event is stored
	Err      error
}

func (e *ReplayError) Error() string {
	return fmt.Sprintf("eventstore: replay of stream %q stopped at version %d (position %d): %v",
		e.StreamID, e.Version, e.Position, e.Err)
}

func (e *ReplayError) Unwrap() error { return e.Err }

// Replay folds the events of the stream streamID that come after version
// after into state, one at a time and in version order, and returns the new
// state and the version of the last event folded in (after itself when none
// follow). after is the version state already includes: 0 means state is the
// initial state and the fold starts at version 1.
//
// The events are read in batches of Options.MaxReadBatch through
// StreamEvents, so memory does not grow with the stream. apply receives the
// state so far and one event and returns the next state; it may change and
// return its argument. Transient read failures (busy, locked, I/O) are
// retried with backoff per Options.MaxRetries and Options.RetryDelay,
// resuming after the last event folded in, so apply never sees an event
// twice.
//
// On error the zero S and 0 are returned, never a partial state. Errors:
// ErrConnection (closed store, or read failures past the retries),
// ErrInvalidStreamID, ErrInvalidStartVersion (after < 0), ErrStreamNotFound
// (no events, or none at version after: a *ReplayError), ErrStreamDeleted,
// a *DecodeError for an event that cannot be decoded, a *ReplayError
// matching ErrDeserializationFailed when the stored versions are not
// contiguous, a *ReplayError wrapping what apply returned, and ctx's error.
// Every one but the first few names the stream, the version and the
// position.
//
// Replay is safe for concurrent use; apply runs on the caller's goroutine.
func Replay[S any](ctx context.Context, s *Store, streamID string, after int64, state S,
	apply func(S, RecordedEvent) (S, error)) (S, int64, error) {
	start := time.Now()
	op := Operation{Name: "replay", StreamID: streamID}
	at, err := replay(ctx, s, s.StreamEvents, streamID, replayAnchor{version: after}, &state, apply, &op)
	op.Err = err
	s.done(&op, start)
	if err != nil {
		var zero S
		return zero, 0, err
	}
	return state, at.version, nil
}

// eventSource yields a stream's events from version from on: StreamEvents,
// or a stand-in in tests.
type eventSource func(ctx context.Context, streamID string, from int64) iter.Seq2[RecordedEvent, error]

// replayAnchor is the last event a replay folded in. A replay resumes by
// reading that event again: finding it where it was proves the stream still
// holds what the state was built from. position 0 means not known.
type replayAnchor struct {
	version, position int64
}

// replay is Replay's loop: passes over src, each resuming at the anchor,
// until one ends without a transient failure. It counts events and retries
// in op.
func replay[S any](ctx context.Context, s *Store, src eventSource, streamID string, at replayAnchor,
	state *S, apply func(S, RecordedEvent) (S, error), op *Operation) (replayAnchor, error) {
	switch {
	case apply == nil:
		return at, errors.New("eventstore: nil replay function")
	case at.version < 0:
		return at, fmt.Errorf("%w: %d", ErrInvalidStartVersion, at.version)
	}
	delay := s.opts.RetryDelay
	failures := 0
	for {
		before := op.Events
		err := replayPass(ctx, src, streamID, &at, state, apply, &op.Events)
		if err == nil || !isTransient(err) {
			return at, err
		}
		if op.Events > before {
			failures, delay = 0, s.opts.RetryDelay // progress: a new failure
		}
		if failures >= s.opts.MaxRetries {
			return at, err
		}
		failures++
		op.Retries++
		s.opts.Logger.Warn().Err(err).Str("stream_id", streamID).Int64("version", at.version).
			Int("retry", failures).Dur("delay", delay).Msg("eventstore: retrying replay read")
		if err := sleep(ctx, jitter(delay)); err != nil {
			return at, err
		}
		delay *= 2
	}
}

// replayPass reads the stream from the anchor on and folds every event
// after it into state, moving the anchor along.
func replayPass[S any](ctx context.Context, src eventSource, streamID string, at *replayAnchor,
	state *S, apply func(S, RecordedEvent) (S, error), applied *int) error {
	pending := at.version > 0 // the anchor event comes first and is checked, not applied
	for rec, err := range src(ctx, streamID, max(at.version, 1)) {
		if pending {
			pending = false
			if err := at.check(streamID, rec, err); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err // a *DecodeError names the event; others are storage errors
		}
		if rec.Version != at.version+1 {
			return &ReplayError{StreamID: streamID, Version: at.version + 1, Position: rec.Position,
				Err: fmt.Errorf("%w: versions are not contiguous: version %d follows %d",
					ErrDeserializationFailed, rec.Version, at.version)}
		}
		next, err := apply(*state, rec)
		if err != nil {
			return &ReplayError{StreamID: streamID, Version: rec.Version, Position: rec.Position, Err: err}
		}
		*state = next
		at.version, at.position = rec.Version, rec.Position
		*applied++
	}
	if pending {
		return at.missing(streamID)
	}
	return nil
}

// check verifies that the first event read is the anchor event. An anchor
// event that cannot be decoded still proves its place: it is not applied.
func (at *replayAnchor) check(streamID string, rec RecordedEvent, err error) error {
	var de *DecodeError
	if errors.As(err, &de) {
		rec.Version, rec.Position, err = de.Version, de.Position, nil
	}
	switch {
	case err != nil:
		return err
	case rec.Version != at.version || (at.position != 0 && rec.Position != at.position):
		return at.missing(streamID)
	}
	at.position = rec.Position
	return nil
}

// missing reports that the stream no longer holds the anchor event.
func (at *replayAnchor) missing(streamID string) error {
	return &ReplayError{StreamID: streamID, Version: at.version, Position: at.position,
		Err: fmt.Errorf("%w: stream %q holds no event at version %d (position %d)",
			ErrStreamNotFound, streamID, at.version, at.position)}
}
