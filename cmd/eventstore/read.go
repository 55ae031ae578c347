package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/gamebot/eventstore"
)

// readBatch is the count of each backward read.
const readBatch = 500

// eventSink prints events and reports events that do not decode on stderr,
// going on past them; failed says whether any did.
type eventSink struct {
	e      *env
	name   string
	p      *printer
	failed bool
}

// take prints r or reports its decode error. Other errors end the read.
func (k *eventSink) take(r eventstore.RecordedEvent, err error) error {
	var de *eventstore.DecodeError
	if errors.As(err, &de) {
		k.failed = true
		fmt.Fprintf(k.e.stderr, "eventstore %s: %s\n", k.name, describeDecodeError(de))
		return nil
	}
	if err != nil {
		return err
	}
	return k.p.print(r)
}

// done ends the read: an error when an event did not decode.
func (k *eventSink) done() error {
	if k.failed {
		return errProblems
	}
	return nil
}

func describeDecodeError(de *eventstore.DecodeError) string {
	return fmt.Sprintf("stream %s version %d position %d: %v", de.StreamID, de.Version, de.Position, de.Err)
}

// runRead prints a stream's events, forward or backward.
func runRead(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "read", true)
	from := f.Int64("from", 0, "the first `version` (backward: -1, the default, is the end)")
	count := f.Int("count", 0, "print at most `n` events; 0 prints all")
	backward := f.Bool("backward", false, "newest first")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	fromSet := f.isSet("from")
	if *count < 0 {
		return f.fail("-count must not be negative")
	}
	s, err := f.openExisting(nil)
	if err != nil {
		return err
	}
	defer s.Close()
	stream := pos[0]
	k := &eventSink{e: e, name: "read", p: newPrinter(e.stdout, f.asJSON)}
	left := *count
	if left == 0 {
		left = -1 // no limit
	}
	if !*backward {
		if _, err := s.StreamInfo(ctx, stream); err != nil { // a clear error for a missing stream
			return err
		}
		return printForward(k, s.StreamEvents(ctx, stream, *from), left)
	}
	next := *from
	if !fromSet {
		next = -1
	}
	return printBackward(k, next, left, func(from int64, n int) ([]eventstore.RecordedEvent, error) {
		return s.ReadStreamBackward(ctx, stream, from, n)
	}, func(r eventstore.RecordedEvent) int64 { return r.Version })
}

// runAll prints events of all streams in global order.
func runAll(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "all", true)
	from := f.Int64("from", 0, "the first global `position` (backward: -1, the default, is the end)")
	count := f.Int("count", 0, "print at most `n` events; 0 prints all")
	backward := f.Bool("backward", false, "newest first")
	var filter eventstore.Filter
	f.StringVar(&filter.EventType, "type", "", "only events of this `type`")
	f.StringVar(&filter.StreamPrefix, "prefix", "", "only events of streams whose id starts with this")
	f.StringVar(&filter.GuildID, "guild", "", "only events of this guild")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	fromSet := f.isSet("from")
	if *count < 0 {
		return f.fail("-count must not be negative")
	}
	s, err := f.openExisting(nil)
	if err != nil {
		return err
	}
	defer s.Close()
	k := &eventSink{e: e, name: "all", p: newPrinter(e.stdout, f.asJSON)}
	left := *count
	if left == 0 {
		left = -1
	}
	if !*backward {
		return printForward(k, s.AllEvents(ctx, *from, filter), left)
	}
	next := *from
	if !fromSet {
		next = -1
	}
	return printBackward(k, next, left, func(from int64, n int) ([]eventstore.RecordedEvent, error) {
		return s.ReadAllBackward(ctx, from, n, filter)
	}, func(r eventstore.RecordedEvent) int64 { return r.Position })
}

// printForward prints the events of seq, at most left of them (-1: all).
func printForward(k *eventSink, seq iter.Seq2[eventstore.RecordedEvent, error], left int) error {
	for r, err := range seq {
		if left == 0 {
			break
		}
		if err := k.take(r, err); err != nil {
			return err
		}
		left--
	}
	return k.done()
}

// printBackward prints at most left events (-1: all) read backward from
// next in batches; cursor gives the version or position an event sits at.
func printBackward(k *eventSink, next int64, left int,
	read func(from int64, n int) ([]eventstore.RecordedEvent, error),
	cursor func(eventstore.RecordedEvent) int64) error {
	for left != 0 && next != 0 {
		n := readBatch
		if left > 0 {
			n = min(n, left)
		}
		batch, err := read(next, n)
		if err != nil {
			return err
		}
		for _, r := range batch {
			if err := k.take(r, nil); err != nil {
				return err
			}
		}
		if len(batch) < n {
			break
		}
		left -= len(batch)
		next = cursor(batch[len(batch)-1]) - 1
	}
	return k.done()
}

// runTail prints the last events of a stream or of $all, oldest first,
// and with -f goes on printing new ones until interrupted.
func runTail(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "tail", true)
	n := f.Int("n", 10, "print the last `n` events")
	follow := f.Bool("f", false, "follow: print new events as they are appended, until interrupted")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	if *n < 0 || *n > eventstore.DefaultMaxReadBatch {
		return f.fail("-n must be between 0 and %d", eventstore.DefaultMaxReadBatch)
	}
	s, err := f.openExisting(nil)
	if err != nil {
		return err
	}
	defer s.Close()
	stream := pos[0]
	// One event more than printed, if asked to follow: where to go on from.
	want := *n
	if *follow {
		want = max(want, 1)
	}
	var last []eventstore.RecordedEvent
	switch {
	case want == 0:
	case stream == eventstore.AllStreams:
		last, err = s.ReadAllBackward(ctx, -1, want, eventstore.Filter{})
	default:
		last, err = s.ReadStreamBackward(ctx, stream, -1, want)
		if errors.Is(err, eventstore.ErrStreamNotFound) && *follow {
			err = nil // wait for its first event
		}
	}
	if err != nil {
		return err
	}
	var from int64 // the first version or position to follow from
	if len(last) > 0 {
		from = last[0].Version + 1
		if stream == eventstore.AllStreams {
			from = last[0].Position + 1
		}
	}
	last = last[:min(len(last), *n)]
	slices.Reverse(last)
	k := &eventSink{e: e, name: "tail", p: newPrinter(e.stdout, f.asJSON)}
	for _, r := range last {
		if err := k.take(r, nil); err != nil {
			return err
		}
	}
	if !*follow {
		return k.done()
	}
	return followTail(ctx, s, stream, from, k)
}
