package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gamebot/eventstore"
)

// prompt is how long a cancelled call may take to return. A call that
// waited for a lock instead would take the busy timeout (5 s) or longer.
const prompt = time.Second

// cancelStores opens a store and a second one on the same file, as another
// process would, which gives up on a busy lock at once: when its append
// succeeds, the first store holds no lock.
func cancelStores(t *testing.T) (s, other *eventstore.Store) {
	t.Helper()
	s, path := mustOpen(t, nil)
	opts := testOptions(t)
	opts.BusyTimeout = 50 * time.Millisecond
	opts.MaxRetries = -1
	other, err := eventstore.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return s, other
}

// checkNoLock appends through both stores, each of which must succeed at
// once, and checks the stream holds exactly want events.
func checkNoLock(t *testing.T, s, other *eventstore.Store, stream string, want int64) {
	t.Helper()
	ctx := context.Background()
	for _, st := range []*eventstore.Store{other, s} {
		start := time.Now()
		if _, err := st.Append(ctx, "after-"+stream, eventstore.Any, notes("after", 1)...); err != nil {
			t.Fatalf("append after cancel: %v", err)
		}
		if d := time.Since(start); d > prompt {
			t.Errorf("append after cancel took %v", d)
		}
	}
	v, err := s.StreamVersion(ctx, stream)
	if err != nil || v != want {
		t.Errorf("StreamVersion(%s) = %d, %v; want %d: a cancelled call wrote", stream, v, err, want)
	}
}

// returnsWithin runs call and fails the test when it takes longer than d.
func returnsWithin(t *testing.T, d time.Duration, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("call still running %v after cancel", time.Since(start))
		return nil
	}
}

func TestStore_Cancel_AppendBeforeQueued(t *testing.T) {
	s, other := cancelStores(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 20 { // the writer may or may not see the request: never a write
		_, err := s.Append(ctx, "s", eventstore.Any, notes("a", 3)...)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	}
	checkNoLock(t, s, other, "s", 0)
}

// An append waiting behind a long transaction returns as soon as its
// context is cancelled, and is never written.
func TestStore_Cancel_AppendWhileQueued(t *testing.T) {
	s, other := cancelStores(t)
	release, inTx := make(chan struct{}), make(chan struct{})
	txDone := make(chan error, 1)
	go func() {
		txDone <- s.Tx(context.Background(), "g", func(tx *eventstore.Tx) error {
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	ctx, cancel := context.WithCancel(context.Background())
	appended := make(chan error, 1)
	go func() {
		_, err := s.Append(ctx, "s", eventstore.Any, notes("a", 3)...)
		appended <- err
	}()
	time.Sleep(20 * time.Millisecond) // let it queue behind the transaction
	cancel()
	select {
	case err := <-appended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(prompt):
		t.Error("a queued append did not return on cancel while the writer was busy")
	}
	close(release)
	if err := <-txDone; err != nil {
		t.Fatal(err)
	}
	checkNoLock(t, s, other, "s", 0)
}

func TestStore_Cancel_Read(t *testing.T) {
	s, other := cancelStores(t)
	for i := range 20 {
		mustAppend(t, s, fmt.Sprintf("s-%d", i%3), eventstore.Any, notes("a", 100)...)
	}
	// Cancelled before: an error at once. Cancelled while running: an
	// error or a whole result, promptly. More cancelled reads than the pool
	// has connections: none may keep its connection.
	for i := range 3 * eventstore.DefaultMaxReaders {
		ctx, cancel := context.WithCancel(context.Background())
		if i%2 == 0 {
			cancel()
		} else {
			time.AfterFunc(time.Duration(i)*100*time.Microsecond, cancel)
		}
		err := returnsWithin(t, prompt, func() error {
			recs, err := s.ReadAll(ctx, 0, 1000, eventstore.Filter{})
			if err == nil && len(recs) != 1000 {
				return fmt.Errorf("a read returned %d of 1000 events without an error", len(recs))
			}
			return err
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("read %d: err = %v, want context.Canceled or a whole result", i, err)
		}
		if i%2 == 0 && err == nil {
			t.Fatalf("read %d with a cancelled context succeeded", i)
		}
		cancel()
	}
	if recs, err := s.ReadAll(context.Background(), 0, 1000, eventstore.Filter{}); err != nil || len(recs) != 1000 {
		t.Fatalf("read after cancels: %d events, %v", len(recs), err)
	}
	checkNoLock(t, s, other, "s-0", 700)
}

// Iterators cancelled mid-way stop at the next event with the context's
// error, holding no connection or lock.
func TestStore_Cancel_Iterators(t *testing.T) {
	opts := testOptions(t)
	opts.MaxReadBatch = 50
	s, path := mustOpen(t, opts)
	other, err := eventstore.Open(path, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for range 6 {
		mustAppend(t, s, "s", eventstore.Any, notes("a", 50)...)
	}
	iterators := map[string]func(ctx context.Context) func(func(eventstore.RecordedEvent, error) bool){
		"StreamEvents": func(ctx context.Context) func(func(eventstore.RecordedEvent, error) bool) {
			return s.StreamEvents(ctx, "s", 0)
		},
		"AllEvents": func(ctx context.Context) func(func(eventstore.RecordedEvent, error) bool) {
			return s.AllEvents(ctx, 0, eventstore.Filter{})
		},
	}
	for name, seq := range iterators {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var n, errs int
			err := returnsWithin(t, prompt, func() error {
				var last error
				for rec, err := range seq(ctx) {
					if err != nil {
						errs++
						last = err
						continue
					}
					n++
					if rec.Version != int64(n) {
						return fmt.Errorf("event %d has version %d", n, rec.Version)
					}
					if n == 75 { // mid-way through the second batch
						cancel()
					}
				}
				return last
			})
			if !errors.Is(err, context.Canceled) || errs != 1 || n != 75 {
				t.Errorf("got %d events, %d errors, last %v; want 75 events, then context.Canceled once", n, errs, err)
			}
			checkNoLock(t, s, other, "s", 300)
		})
	}
}

// A transaction whose context is cancelled ends promptly and writes
// nothing, even when its function ignores the cancellation.
func TestStore_Cancel_Tx(t *testing.T) {
	s, other := cancelStores(t)
	t.Run("function waits for the cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		inTx := make(chan struct{})
		go func() { <-inTx; time.Sleep(10 * time.Millisecond); cancel() }()
		err := returnsWithin(t, prompt, func() error {
			return s.Tx(ctx, "g", func(tx *eventstore.Tx) error {
				if _, err := tx.Append(ctx, "wait", eventstore.NoStream, notes("a", 2)...); err != nil {
					return err
				}
				close(inTx)
				<-ctx.Done()
				_, err := tx.Append(ctx, "wait-2", eventstore.NoStream, notes("b", 2)...)
				return err
			})
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		checkNoLock(t, s, other, "wait", 0)
		checkNoLock(t, s, other, "wait-2", 0)
	})
	t.Run("function ignores the cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		err := s.Tx(ctx, "g", func(tx *eventstore.Tx) error {
			if _, err := tx.Append(ctx, "ignore", eventstore.NoStream, notes("a", 2)...); err != nil {
				return err
			}
			cancel()
			tx.Append(ctx, "ignore-2", eventstore.NoStream, notes("b", 2)...) // fails: cancelled
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		checkNoLock(t, s, other, "ignore", 0)
		checkNoLock(t, s, other, "ignore-2", 0)
	})
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		ran := false
		err := s.Tx(ctx, "g", func(tx *eventstore.Tx) error {
			ran = true
			return nil
		})
		if !errors.Is(err, context.Canceled) || ran {
			t.Errorf("err = %v, function ran: %v; want context.Canceled and no run", err, ran)
		}
	})
}
