package eventstore

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// maxSubscriptionName is the longest subscription name, in bytes.
const maxSubscriptionName = 255

// validateSubscriptionName refuses names that cannot be stored sensibly.
func validateSubscriptionName(name string) error {
	if name == "" || len(name) > maxSubscriptionName || !utf8.ValidString(name) {
		return fmt.Errorf("eventstore: invalid subscription name %q: want 1 to %d bytes of UTF-8", name, maxSubscriptionName)
	}
	return nil
}

// startCheckpoint returns the checkpoint of the subscription name, creating
// it at initial when it does not exist (-1: the newest position, read in
// the same transaction).
func (s *Store) startCheckpoint(ctx context.Context, op *Operation, name string, initial int64) (int64, error) {
	var checkpoint int64
	err := s.write(ctx, op, func(w *writeTx) error {
		at := initial
		if at < 0 {
			var err error
			if at, err = lastPosition(context.Background(), w); err != nil {
				return &fatalError{err}
			}
		}
		if _, err := w.exec(`INSERT INTO subscriptions (name, position, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO NOTHING`, name, at, w.now.UnixMicro()); err != nil {
			return &fatalError{err}
		}
		err := w.QueryRowContext(context.Background(), "SELECT position FROM subscriptions WHERE name = ?", name).Scan(&checkpoint)
		if err != nil {
			return &fatalError{translate(err)}
		}
		return nil
	})
	return checkpoint, err
}

// Ack records that the consumer of a named subscription has handled every
// event up to and including the one at position (a RecordedEvent's
// Position), so a later run resumes after it. Checkpoints only move
// forward: acknowledging an earlier position than the stored one changes
// nothing. Acknowledging every event is not needed; acknowledging fewer
// means more events are delivered again after a stop.
//
// Ack is an error on a subscription without a name, for a negative
// position, and for a position beyond the last event Next delivered (that
// would skip events). Otherwise its errors are those of a write:
// ErrConnection, and ctx's error. It waits until the checkpoint is durable,
// works after Close, and is safe for concurrent use, also with Next.
func (sub *Subscription) Ack(ctx context.Context, position int64) error {
	s := sub.store
	start := time.Now()
	op := Operation{Name: "ack"}
	var err error
	switch delivered := sub.delivered.Load(); {
	case sub.name == "":
		err = errors.New("eventstore: Ack on a subscription without a name")
	case position < 0:
		err = fmt.Errorf("eventstore: Ack of position %d", position)
	case position > delivered:
		err = fmt.Errorf("eventstore: Ack of position %d beyond the last delivered event (position %d)", position, delivered)
	default:
		err = s.write(ctx, &op, func(w *writeTx) error {
			_, err := w.exec(`INSERT INTO subscriptions (name, position, updated_at) VALUES (?, ?, ?)
				ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position), updated_at = excluded.updated_at`,
				sub.name, position, w.now.UnixMicro())
			if err != nil {
				return &fatalError{err}
			}
			return nil
		})
	}
	op.Err = err
	s.done(&op, start)
	return err
}

// Checkpoint returns the checkpoint of the named subscription name: the
// position of the last event its consumer acknowledged, or where its first
// run started; 0 when it has none. Errors: ErrConnection, and one for an
// invalid name. It is safe for concurrent use.
func (s *Store) Checkpoint(ctx context.Context, name string) (int64, error) {
	start := time.Now()
	op := Operation{Name: "checkpoint"}
	var position int64
	err := s.checkOpen()
	if err == nil {
		err = validateSubscriptionName(name)
	}
	if err == nil {
		err = s.retryRead(ctx, &op, func() error {
			err := s.rdb.QueryRowContext(ctx, "SELECT position FROM subscriptions WHERE name = ?", name).Scan(&position)
			if isNoRows(err) {
				position, err = 0, nil
			}
			return queryError(ctx, err)
		})
	}
	op.Err = err
	s.done(&op, start)
	return position, err
}

// DeleteCheckpoint forgets the checkpoint of the named subscription name,
// so its next run starts where its SubscribeOptions say, as a first run
// does. A run in progress is not affected. Deleting a checkpoint that does
// not exist is not an error. Errors: ErrConnection, and one for an invalid
// name. It is safe for concurrent use.
func (s *Store) DeleteCheckpoint(ctx context.Context, name string) error {
	start := time.Now()
	op := Operation{Name: "delete_checkpoint"}
	err := s.checkOpen()
	if err == nil {
		err = validateSubscriptionName(name)
	}
	if err == nil {
		err = s.write(ctx, &op, func(w *writeTx) error {
			if _, err := w.exec("DELETE FROM subscriptions WHERE name = ?", name); err != nil {
				return &fatalError{err}
			}
			return nil
		})
	}
	op.Err = err
	s.done(&op, start)
	return err
}
