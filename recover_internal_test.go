package eventstore

import (
	"context"
	"errors"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
)

// These tests reach inside RecoverGameFrom to make reads fail transiently,
// which a real SQLite file will not do on demand.

// busy is a transient driver error, as translate makes of SQLITE_BUSY.
var busy = &dbError{code: sqlite3.SQLITE_BUSY, transient: true, err: errors.New("database is locked")}

// storedRace opens a store holding testdata's race game.
func storedRace(t *testing.T) (*Store, string) {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "store.db"), &Options{RetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f, err := os.Open("testdata/streams/race.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := ReadJSONL(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	events := make([]Event, len(recs))
	for i, r := range recs {
		events[i] = r.Event
	}
	if _, err := s.Append(context.Background(), recs[0].StreamID, NoStream, events...); err != nil {
		t.Fatal(err)
	}
	return s, recs[0].StreamID
}

// flaky returns an event source that fails with busy after the given
// number of events on each of its first calls (one entry per call; -1 for
// no failure), and records where each call started.
func flaky(s *Store, failAfter []int, starts *[]int64) func(context.Context, string, int64) iter.Seq2[RecordedEvent, error] {
	call := 0
	return func(ctx context.Context, id string, from int64) iter.Seq2[RecordedEvent, error] {
		*starts = append(*starts, from)
		limit := -1
		if call < len(failAfter) {
			limit = failAfter[call]
		}
		call++
		return func(yield func(RecordedEvent, error) bool) {
			n := 0
			for rec, err := range s.StreamEvents(ctx, id, from) {
				if n == limit {
					yield(RecordedEvent{}, busy)
					return
				}
				n++
				if !yield(rec, err) {
					return
				}
			}
		}
	}
}

func TestRecoverGame_RetriesTransientReads(t *testing.T) {
	ctx := context.Background()
	s, id := storedRace(t)
	want, err := RecoverGame(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	var starts []int64
	r := &recovery{s: s, gameID: id, events: flaky(s, []int{20, 0, 5}, &starts), lookup: s.eventVersion}
	got, err := r.run(ctx, nil)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if got.Version != want.Version || got.EventCount != want.EventCount {
		t.Errorf("recovered version %d, %d events; want %d, %d", got.Version, got.EventCount, want.Version, want.EventCount)
	}
	// Every read after a failure resumes after the last event folded.
	if want := []int64{1, 21, 21, 26}; !slices.Equal(starts, want) {
		t.Errorf("reads started at %v, want %v", starts, want)
	}
	if r.retries != 3 {
		t.Errorf("retries = %d, want 3", r.retries)
	}
}

func TestRecoverGame_RetriesTransientLookups(t *testing.T) {
	ctx := context.Background()
	s, id := storedRace(t)
	// Resuming from version 10: the causation ids of later events name
	// events this run has not met, so they are looked up.
	var state GameState
	for rec, err := range s.StreamEvents(ctx, id, 1) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Version > 10 {
			break
		}
		if err := state.Apply(rec); err != nil {
			t.Fatal(err)
		}
	}
	var starts []int64
	lookups := 0
	r := &recovery{s: s, gameID: id, events: flaky(s, nil, &starts),
		lookup: func(ctx context.Context, stream, eventID string) (int64, bool, error) {
			if lookups++; lookups == 1 {
				return 0, false, busy
			}
			return s.eventVersion(ctx, stream, eventID)
		}}
	got, err := r.run(ctx, &state)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if got.Status != GameStatusCompleted || state.Version != 10 {
		t.Errorf("status %q, given state at version %d; want completed, 10", got.Status, state.Version)
	}
	// The first read checks the state's own version is still there; the
	// lookup for version 11 fails, and the read after it starts there.
	if want := []int64{10, 11}; !slices.Equal(starts, want) || r.retries != 1 || lookups < 2 {
		t.Errorf("reads started at %v, %d retries, %d lookups; want %v, 1, at least 2", starts, r.retries, lookups, want)
	}
}

func TestRecoverGame_GivesUpOnPersistentFailure(t *testing.T) {
	s, id := storedRace(t)
	var starts []int64
	r := &recovery{s: s, gameID: id, events: flaky(s, []int{0, 0, 0, 0, 0, 0}, &starts), lookup: s.eventVersion}
	g, err := r.run(context.Background(), nil)
	if g != nil || !errors.Is(err, ErrConnection) || !isTransient(err) {
		t.Fatalf("run = %v, %v; want nil and the transient error", g, err)
	}
	if want := 1 + s.opts.MaxRetries; len(starts) != want {
		t.Errorf("read %d times, want %d", len(starts), want)
	}
}

func TestRecoverGame_StopsRetryingOnCancel(t *testing.T) {
	s, id := storedRace(t)
	s.opts.RetryDelay = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var starts []int64
	events := flaky(s, []int{3}, &starts)
	// The context ends as the first read fails, so the backoff after it
	// must give up on ctx rather than sleep for an hour.
	r := &recovery{s: s, gameID: id, lookup: s.eventVersion,
		events: func(ctx context.Context, id string, from int64) iter.Seq2[RecordedEvent, error] {
			return func(yield func(RecordedEvent, error) bool) {
				for rec, err := range events(ctx, id, from) {
					if err == busy {
						cancel()
					}
					if !yield(rec, err) {
						return
					}
				}
			}
		}}
	if _, err := r.run(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("run: %v, want context.Canceled", err)
	}
	if len(starts) != 1 || r.retries != 0 {
		t.Errorf("read %d times with %d retries, want 1 and 0", len(starts), r.retries)
	}
}
