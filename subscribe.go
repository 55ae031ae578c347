package eventstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FromNow, as SubscribeOptions.From, starts a subscription after the events
// committed so far: it delivers the events committed after Subscribe returns.
const FromNow int64 = -1

// SubscribeOptions says where a subscription starts and which events it
// keeps. A nil *SubscribeOptions means the zero value: every event, from the
// start.
type SubscribeOptions struct {
	// From is where delivery starts. For AllStreams it is the first global
	// position delivered; for a stream, the lowest version delivered. 0 and
	// 1 both mean the start; FromNow means the events committed after
	// Subscribe returns. A named subscription uses From for the global order
	// only on its first run, before it has a checkpoint; a stream's lowest
	// version applies to every run.
	From int64
	// Filter keeps the matching events only; the zero Filter keeps all. It
	// applies to stream subscriptions too.
	Filter Filter
}

// Subscription delivers the events of one stream or of all streams, first
// those already stored (catch-up), then each new one as it commits (live),
// in global position order, each exactly once per Subscription, with no
// gaps: an event is never delivered after a later one of the same
// subscription. Delivery is pull-style: Next hands out one event at a time
// and nothing is read ahead beyond one batch of Options.MaxReadBatch, so a
// slow consumer only slows its own reads and memory stays bounded.
//
// Storage is the source of truth. A commit of this Store wakes waiting
// subscriptions at once; events written by other processes sharing the file
// are picked up every Options.PollInterval.
//
// A Subscription holds no goroutine and no connection between calls: one
// that is dropped without Close leaks nothing, though Close makes a waiting
// Next return. Its methods are safe for concurrent use; concurrent Next
// calls are served one at a time.
type Subscription struct {
	store      *Store
	ctx        context.Context // the Subscribe context: it bounds the subscription
	name       string          // "" when not named
	streamID   string          // AllStreams or one stream
	filter     Filter
	minVersion int64 // stream subscriptions: the lowest version delivered

	mu     sync.Mutex // serialises Next
	cursor int64      // the position of the last event read from storage
	batch  []rawEvent // read and not yet delivered, from batch[next] on
	next   int

	delivered atomic.Int64 // the position of the last event Next handed out
	done      chan struct{}
	closeOnce sync.Once
}

// Subscribe starts a subscription to the stream streamID, or to all streams
// with AllStreams, from where opts says (nil: every event from the start).
// Subscribing to a stream that has no events yet is allowed: its events are
// delivered when they come.
//
// ctx bounds the whole subscription: once it is done, Next returns its
// error. Errors: ErrConnection (closed store), ErrInvalidStreamID (neither
// AllStreams nor a valid stream id), ErrInvalidStartVersion (From below
// FromNow). Subscribe is safe for concurrent use.
func (s *Store) Subscribe(ctx context.Context, streamID string, opts *SubscribeOptions) (*Subscription, error) {
	return s.subscribe(ctx, "", streamID, opts)
}

// SubscribeNamed starts a persistent subscription named name (non-empty,
// at most 255 bytes of UTF-8), to one stream or to AllStreams. Its
// checkpoint, the position of the last event its consumer acknowledged with
// Ack, is kept in the store's file: a later run of the same name, in this
// process or another, resumes with the first event after it. Delivery is
// at-least-once: events delivered but not acknowledged before a stop are
// delivered again, in order, and none is ever skipped.
//
// The first run creates the checkpoint at the start point opts.From gives
// (FromNow: the last event committed then), so a stop before the first Ack
// skips nothing either. Run one subscription per name at a time: two runs of
// one name both receive every event. Errors are those of Subscribe, and one
// for an invalid name. Transient failures writing the checkpoint are
// retried as for Append.
func (s *Store) SubscribeNamed(ctx context.Context, name, streamID string, opts *SubscribeOptions) (*Subscription, error) {
	if err := validateSubscriptionName(name); err != nil {
		return nil, err
	}
	return s.subscribe(ctx, name, streamID, opts)
}

func (s *Store) subscribe(ctx context.Context, name, streamID string, opts *SubscribeOptions) (*Subscription, error) {
	start := time.Now()
	op := Operation{Name: "subscribe"}
	if streamID != AllStreams {
		op.StreamID = streamID
	}
	sub, err := s.newSubscription(ctx, &op, name, streamID, opts)
	op.Err = err
	s.done(&op, start)
	return sub, err
}

func (s *Store) newSubscription(ctx context.Context, op *Operation, name, streamID string, opts *SubscribeOptions) (*Subscription, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	if streamID != AllStreams {
		if err := ValidateStreamID(streamID); err != nil {
			return nil, err
		}
	}
	var o SubscribeOptions
	if opts != nil {
		o = *opts
	}
	if o.From < FromNow {
		return nil, fmt.Errorf("%w: %d", ErrInvalidStartVersion, o.From)
	}
	sub := &Subscription{store: s, ctx: ctx, name: name, streamID: streamID, filter: o.Filter,
		minVersion: 1, done: make(chan struct{})}

	// The position the subscription starts after.
	var cursor int64
	switch {
	case o.From == FromNow:
		cursor = -1 // resolved below, from the newest position
	case streamID == AllStreams:
		cursor = max(o.From-1, 0)
	default:
		sub.minVersion = max(o.From, 1)
	}
	var err error
	if name != "" {
		cursor, err = s.startCheckpoint(ctx, op, name, cursor)
	} else if cursor < 0 {
		err = s.retryRead(ctx, op, func() error {
			cursor, err = lastPosition(ctx, s.rdb)
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	sub.cursor = cursor
	sub.delivered.Store(cursor)
	return sub, nil
}

// lastPosition returns the newest stored position, 0 for an empty store.
// Positions hard-deleted past it are never handed out again, so every
// event committed later has a greater one.
func lastPosition(ctx context.Context, q queryer) (int64, error) {
	var p int64
	err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(position), 0) FROM events").Scan(&p)
	return p, queryError(ctx, err)
}

// Next returns the next event, waiting for one to be committed when the
// subscription has caught up. ctx bounds this call only: when it is done,
// Next returns its error and the subscription stays usable.
//
// An event that cannot be decoded is returned as a *DecodeError naming its
// stream, version and position, and counts as delivered: the next call
// moves past it (a named subscription may Ack it).
//
// Errors that end the subscription: ErrSubscriptionClosed after Close,
// ErrConnection once the store is closed, the error of the Subscribe
// context, and ErrStreamDeleted when the subscribed stream is soft-deleted.
// Read failures that outlast the retries are returned as ErrConnection;
// calling Next again tries again from the same place.
func (sub *Subscription) Next(ctx context.Context) (RecordedEvent, error) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	s := sub.store
	for {
		if err := sub.stopped(ctx); err != nil {
			return RecordedEvent{}, err
		}
		if sub.next < len(sub.batch) {
			r := &sub.batch[sub.next]
			rec, err := s.decode(r)
			sub.delivered.Store(r.position)
			*r = rawEvent{} // let the bytes go as we move on
			sub.next++
			return rec, err
		}
		// Take the wake-up channel before reading: a commit that the read
		// misses closes it.
		wake := s.commits.wait()
		if err := sub.fill(ctx); err != nil {
			return RecordedEvent{}, err
		}
		if len(sub.batch) > 0 {
			continue
		}
		timer := time.NewTimer(s.opts.PollInterval)
		select {
		case <-wake:
		case <-timer.C: // events of other processes
		case <-sub.done:
		case <-s.quit:
		case <-sub.ctx.Done():
		case <-ctx.Done():
		}
		timer.Stop()
	}
}

// stopped reports why Next must not go on, if it must not.
func (sub *Subscription) stopped(ctx context.Context) error {
	select {
	case <-sub.done:
		return ErrSubscriptionClosed
	default:
	}
	if err := sub.store.checkOpen(); err != nil {
		return err
	}
	if err := sub.ctx.Err(); err != nil {
		return err
	}
	return ctx.Err()
}

// fill reads the next batch after the cursor from storage.
func (sub *Subscription) fill(ctx context.Context) error {
	s := sub.store
	start := time.Now()
	op := Operation{Name: "subscription_read"}
	if sub.streamID != AllStreams {
		op.StreamID = sub.streamID
	}
	sub.batch, sub.next = sub.batch[:0], 0
	err := s.retryRead(ctx, &op, func() error {
		sub.batch = sub.batch[:0]
		return sub.read(ctx, func(r *rawEvent) error {
			sub.batch = append(sub.batch, r.copy())
			return nil
		})
	})
	if err != nil {
		sub.batch = sub.batch[:0]
	} else if n := len(sub.batch); n > 0 {
		sub.cursor = sub.batch[n-1].position
	}
	if err != nil || len(sub.batch) > 0 {
		op.Events, op.Err = len(sub.batch), err
		s.done(&op, start)
	}
	return err
}

// read runs the subscription's query for the events after the cursor.
func (sub *Subscription) read(ctx context.Context, fn func(*rawEvent) error) error {
	s := sub.store
	if err := s.checkOpen(); err != nil {
		return err
	}
	if sub.streamID == AllStreams {
		return s.scanAll(ctx, sub.cursor+1, s.opts.MaxReadBatch, sub.filter, false, fn)
	}
	var deleted bool
	err := s.rdb.QueryRowContext(ctx, "SELECT deleted_at IS NOT NULL FROM streams WHERE stream_id = ?", sub.streamID).Scan(&deleted)
	switch {
	case err != nil && !isNoRows(err):
		return queryError(ctx, err)
	case deleted:
		return fmt.Errorf("%w: %q", ErrStreamDeleted, sub.streamID)
	}
	// The rows of one stream are one run of versions whose positions rise
	// with them (a hard delete removes them all), so version order is
	// position order and the (stream_id, version) index serves the query.
	var where strings.Builder
	where.WriteString("e.stream_id = ? AND e.version >= ? AND e.position > ?")
	args := []any{sub.streamID, sub.minVersion, sub.cursor}
	// The filters, as scanAll applies them.
	if f := sub.filter; f.EventType != "" {
		where.WriteString(" AND e.event_type = ?")
		args = append(args, f.EventType)
	}
	if f := sub.filter; f.GuildID != "" {
		where.WriteString(" AND e.guild_id = ?")
		args = append(args, f.GuildID)
	}
	if f := sub.filter; f.StreamPrefix != "" {
		where.WriteString(" AND e.stream_id >= ? AND e.stream_id < ?")
		args = append(args, f.StreamPrefix, f.StreamPrefix+"\xff")
	}
	args = append(args, s.opts.MaxReadBatch)
	return scanRows(ctx, s.rdb, fn,
		"SELECT "+eventColumns+" FROM events e WHERE "+where.String()+" ORDER BY e.version LIMIT ?", args...)
}

// Events returns an iterator over the subscription's events, calling Next
// with ctx until the loop stops, the subscription is closed (the iterator
// then just ends), or Next fails. A *DecodeError is yielded and the
// iteration goes on; any other error is yielded once and ends it.
func (sub *Subscription) Events(ctx context.Context) iter.Seq2[RecordedEvent, error] {
	return func(yield func(RecordedEvent, error) bool) {
		for {
			rec, err := sub.Next(ctx)
			if errors.Is(err, ErrSubscriptionClosed) {
				return
			}
			var de *DecodeError
			if !yield(rec, err) || (err != nil && !errors.As(err, &de)) {
				return
			}
		}
	}
}

// Close ends the subscription: a waiting Next returns ErrSubscriptionClosed
// at once, and so does every later one. It does not touch a named
// subscription's checkpoint; Ack still works after Close. Close is safe to
// call more than once and always returns nil.
func (sub *Subscription) Close() error {
	sub.closeOnce.Do(func() { close(sub.done) })
	return nil
}

// Name returns the name of a named subscription, "" for others.
func (sub *Subscription) Name() string { return sub.name }
