package eventstore_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
)

// tick is a second test event type, for the event-type filter.
type tick struct {
	N    int                 `json:"n"`
	Meta eventstore.Metadata `json:"-"`
}

func (e *tick) EventType() string                   { return "tick" }
func (e *tick) EventVersion() int                   { return 1 }
func (e *tick) EventMetadata() *eventstore.Metadata { return &e.Meta }

// subOptions returns test options with both test event types and a short
// poll interval.
func subOptions(tb testing.TB) *eventstore.Options {
	opts := testOptions(tb)
	r := noteRegistry(tb)
	if err := r.Register(func() eventstore.Event { return &tick{} }); err != nil {
		tb.Fatal(err)
	}
	opts.Serializer = eventstore.NewJSONSerializer(r)
	opts.PollInterval = 20 * time.Millisecond
	return opts
}

// mustSubscribe subscribes or fails the test, and closes the subscription
// at cleanup.
func mustSubscribe(tb testing.TB, s *eventstore.Store, name, stream string, opts *eventstore.SubscribeOptions) *eventstore.Subscription {
	tb.Helper()
	var sub *eventstore.Subscription
	var err error
	if name == "" {
		sub, err = s.Subscribe(context.Background(), stream, opts)
	} else {
		sub, err = s.SubscribeNamed(context.Background(), name, stream, opts)
	}
	if err != nil {
		tb.Fatalf("subscribe %q to %q: %v", name, stream, err)
	}
	tb.Cleanup(func() { sub.Close() })
	return sub
}

// nextN takes n events from sub, failing the test when they do not all
// come within timeout.
func nextN(tb testing.TB, sub *eventstore.Subscription, n int, timeout time.Duration) []eventstore.RecordedEvent {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out := make([]eventstore.RecordedEvent, 0, n)
	for len(out) < n {
		rec, err := sub.Next(ctx)
		if err != nil {
			tb.Fatalf("Next after %d of %d events: %v", len(out), n, err)
		}
		out = append(out, rec)
	}
	return out
}

// expectNone checks that sub delivers nothing within d.
func expectNone(tb testing.TB, sub *eventstore.Subscription, d time.Duration) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	rec, err := sub.Next(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		tb.Fatalf("Next = position %d, %v; want nothing (DeadlineExceeded)", rec.Position, err)
	}
}

// positions returns the global positions of recs.
func positions(recs []eventstore.RecordedEvent) []int64 {
	out := make([]int64, len(recs))
	for i, r := range recs {
		out[i] = r.Position
	}
	return out
}

// span returns the positions from..to.
func span(from, to int64) []int64 {
	var out []int64
	for p := from; p <= to; p++ {
		out = append(out, p)
	}
	return out
}

// waitGoroutines waits until at most want goroutines run, or fails.
func waitGoroutines(tb testing.TB, want int) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			tb.Fatalf("%d goroutines still run, want at most %d:\n%s", n, want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// within runs fn in a goroutine and fails the test when it has not
// returned after d.
func within(tb testing.TB, d time.Duration, what string, fn func()) {
	tb.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		tb.Fatalf("%s did not return within %v", what, d)
	}
}
