package eventstore

import (
	"errors"
	"time"

	"github.com/rs/zerolog"
)

// done reports a finished operation to the telemetry hook and, for writes
// and failures, to the logger.
func (s *Store) done(op *Operation, start time.Time) {
	op.Duration = time.Since(start)
	if s.opts.OnOperation != nil {
		s.opts.OnOperation(*op)
	}
	write := isWrite(op.Name)
	if !write && op.Err == nil {
		return
	}
	var e *zerolog.Event
	switch {
	case op.Err == nil:
		e = s.opts.Logger.Debug()
	case isExpected(op.Err):
		e = s.opts.Logger.Info()
	default:
		e = s.opts.Logger.Error()
	}
	if e == nil {
		return // the level is disabled
	}
	e = e.Str("op", op.Name).Dur("duration", op.Duration)
	if op.StreamID != "" {
		e = e.Str("stream_id", op.StreamID)
	}
	if op.GuildID != "" {
		e = e.Str("guild_id", op.GuildID)
	}
	if op.Events > 0 {
		e = e.Int("events", op.Events)
	}
	if op.Retries > 0 {
		e = e.Int("retries", op.Retries)
	}
	if op.Err != nil {
		e = e.Err(op.Err)
	}
	e.Msg("eventstore: " + op.Name)
}

// isWrite reports whether the named operation changes the store.
func isWrite(name string) bool {
	switch name {
	case "append", "delete_stream", "tx", "archive_stream", "restore_stream", "save_snapshot", "delete_snapshots", "ack", "delete_checkpoint":
		return true
	}
	return false
}

// isExpected reports errors that are part of normal operation (a lost
// optimistic race, a caller's mistake) rather than a failing store.
func isExpected(err error) bool {
	for _, target := range []error{
		ErrWrongExpectedVersion, ErrStreamNotFound, ErrStreamDeleted, ErrDuplicateEvent,
		ErrStreamTooLarge, ErrInvalidStreamID, ErrInvalidStartVersion, ErrInvalidBatchSize,
		ErrInvalidExpectedVersion, ErrInvalidEventType, ErrInvalidEventData,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
