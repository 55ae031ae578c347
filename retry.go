package eventstore

import (
	"context"
	"math/rand/v2"
	"time"
)

// Reads and writes are retried alike: a transient failure (busy, locked,
// I/O) is tried again up to Options.MaxRetries times, after
// Options.RetryDelay doubled each time, with ±20% jitter.

// retryRead runs read until it succeeds, fails for good, or the retries
// are spent. It counts the retries in op.
func (s *Store) retryRead(ctx context.Context, op *Operation, read func() error) error {
	return s.retry(ctx, op, "read", read)
}

// retry runs try as retryRead does, logging each retry as one of a what
// ("read", "write") with op's name, stream and guild.
func (s *Store) retry(ctx context.Context, op *Operation, what string, try func() error) error {
	delay := s.opts.RetryDelay
	for failures := 0; ; failures++ {
		err := try()
		if err == nil || !isTransient(err) || failures >= s.opts.MaxRetries {
			return err
		}
		op.Retries++
		if e := s.opts.Logger.Warn(); e != nil {
			e = e.Str("op", op.Name).Int("retry", failures+1).Dur("delay", delay).Err(err)
			if op.StreamID != "" {
				e = e.Str("stream_id", op.StreamID)
			}
			if op.GuildID != "" {
				e = e.Str("guild_id", op.GuildID)
			}
			e.Msg("eventstore: retrying " + what)
		}
		if err := sleep(ctx, jitter(delay)); err != nil {
			return err
		}
		delay *= 2
	}
}

// jitter returns d ±20%.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
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
