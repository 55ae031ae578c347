package eventstore

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Tx is a write transaction over several streams, given to the function of
// Store.Tx. Its appends and reads commit or roll back together, and its
// reads see its own writes. A Tx is valid only until its function returns
// and must not be used from other goroutines meanwhile.
type Tx struct {
	store   *Store
	w       *writeTx
	guildID string
	done    bool
}

// errPanicked is what the writer hears from a Tx whose function panicked.
var errPanicked = errors.New("eventstore: transaction function panicked")

// errTxDone is returned by a Tx used after its function returned.
var errTxDone = errors.New("eventstore: transaction has already ended")

// Tx runs fn in one write transaction: everything fn appends or deletes, to
// any number of streams, commits when fn returns nil and rolls back when it
// returns an error or panics (the panic goes on after the rollback).
//
// guildID names the guild the work is for: it is attached to every log line
// and to every error returned from inside (errors.Is and errors.As still see
// the cause). Transient failures (busy, locked, I/O) are retried with
// exponential backoff and jitter per Options.MaxRetries and
// Options.RetryDelay, so fn may run more than once and must not have side
// effects outside the transaction; validation and concurrency errors are
// never retried. When ctx is cancelled before fn returns, everything fn did
// rolls back and Tx returns ctx's error, even when fn returned nil (the
// methods of tx return ctx's error from then on). A Tx is committed together
// with the appends waiting at the same moment (group commit), each keeping
// its own checks.
//
// fn must not call methods of the Store that write (Append, DeleteStream,
// Tx): they would wait for the transaction fn is in. Tx is safe for
// concurrent use.
func (s *Store) Tx(ctx context.Context, guildID string, fn func(tx *Tx) error) error {
	start := time.Now()
	op := Operation{Name: "tx", GuildID: guildID}
	err := s.checkOpen()
	switch {
	case err != nil:
	case fn == nil:
		err = errors.New("eventstore: nil transaction function")
	default:
		err = s.write(ctx, &op, func(w *writeTx) error {
			if err := s.runTx(w, guildID, fn); err != nil {
				return err
			}
			// As in database/sql, a transaction whose context ended before
			// it could commit rolls back, even when fn ignored the end.
			return ctx.Err()
		})
	}
	var p *panicError
	if errors.As(err, &p) {
		op.Err = err
		s.done(&op, start)
		panic(p.value) // after the rollback, on the caller's goroutine
	}
	if err != nil {
		err = &GuildError{GuildID: guildID, Err: err}
	}
	op.Err = err
	s.done(&op, start)
	return err
}

// runTx runs fn inside the writer's transaction. It runs on the writer
// goroutine; a panic of fn is caught, rolled back by the writer with the
// rest of fn's work, and raised again by submit's caller.
func (s *Store) runTx(w *writeTx, guildID string, fn func(tx *Tx) error) (err error) {
	tx := &Tx{store: s, w: w, guildID: guildID}
	defer func() {
		tx.done = true
		if p := recover(); p != nil {
			err = &panicError{value: p}
		}
	}()
	return fn(tx)
}

// panicError carries a panic from the writer goroutine to the caller.
type panicError struct{ value any }

func (e *panicError) Error() string {
	return fmt.Sprintf("eventstore: transaction function panicked: %v", e.value)
}
func (e *panicError) Unwrap() error { return errPanicked }

// GuildError attaches the guild of a Tx to an error from inside it.
type GuildError struct {
	GuildID string
	Err     error
}

func (e *GuildError) Error() string { return fmt.Sprintf("guild %s: %v", e.GuildID, e.Err) }
func (e *GuildError) Unwrap() error { return e.Err }

// GuildID returns the guild the transaction was opened for.
func (tx *Tx) GuildID() string { return tx.guildID }

// check refuses a finished Tx or a cancelled context.
func (tx *Tx) check(ctx context.Context) error {
	if tx.done {
		return errTxDone
	}
	return ctx.Err()
}

// Append appends to a stream inside the transaction, with the checks and
// errors of Store.Append. The events become visible to others only when the
// transaction commits.
func (tx *Tx) Append(ctx context.Context, streamID string, expected ExpectedVersion, events ...Event) (AppendResult, error) {
	if err := tx.check(ctx); err != nil {
		return AppendResult{}, err
	}
	encoded, err := tx.store.prepareAppend(streamID, expected, events)
	if err != nil {
		return AppendResult{}, err
	}
	// A savepoint of its own, so a failed append leaves nothing behind even
	// when fn goes on and commits.
	var res AppendResult
	err = tx.w.savepoint(func() error {
		res, err = tx.w.append(streamID, expected, encoded)
		return err
	})
	return res, err
}

// ReadStream reads a stream inside the transaction, seeing its writes, with
// the arguments and errors of Store.ReadStream.
func (tx *Tx) ReadStream(ctx context.Context, streamID string, from int64, count int) ([]RecordedEvent, error) {
	if err := tx.check(ctx); err != nil {
		return nil, err
	}
	return tx.store.readStream(ctx, tx.w, streamID, from, count, false)
}

// StreamVersion returns a stream's version inside the transaction, as
// Store.StreamVersion does.
func (tx *Tx) StreamVersion(ctx context.Context, streamID string) (int64, error) {
	if err := tx.check(ctx); err != nil {
		return 0, err
	}
	return tx.store.streamVersion(ctx, tx.w, streamID)
}

// DeleteStream deletes a stream inside the transaction, as
// Store.DeleteStream does.
func (tx *Tx) DeleteStream(ctx context.Context, streamID string, expected ExpectedVersion, mode DeleteMode) error {
	if err := tx.check(ctx); err != nil {
		return err
	}
	if err := tx.store.checkDelete(streamID, expected, mode); err != nil {
		return err
	}
	return tx.w.savepoint(func() error {
		return tx.w.deleteStream(streamID, expected, mode)
	})
}
