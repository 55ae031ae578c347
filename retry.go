package eventstore

import (
	"context"
	"time"
)

// Reads are retried like writes (see Store.write): a transient failure
// (busy, locked, I/O) is tried again up to Options.MaxRetries times, after
// Options.RetryDelay doubled each time, with ±20% jitter.

// retryRead runs read until it succeeds, fails for good, or the retries
// are spent. It counts the retries in op.
func (s *Store) retryRead(ctx context.Context, op *Operation, read func() error) error {
	delay := s.opts.RetryDelay
	for failures := 0; ; failures++ {
		err := read()
		if err == nil || !isTransient(err) || failures >= s.opts.MaxRetries {
			return err
		}
		op.Retries++
		s.opts.Logger.Warn().Err(err).Str("op", op.Name).Str("stream_id", op.StreamID).
			Int("retry", failures+1).Dur("delay", delay).Msg("eventstore: retrying read")
		if err := sleep(ctx, jitter(delay)); err != nil {
			return err
		}
		delay *= 2
	}
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
