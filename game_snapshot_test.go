package eventstore_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// foldedEvents returns a function reporting how many events the last
// recover_game operation folded.
func foldedEvents(opts *es.Options) func() int {
	var mu sync.Mutex
	last := -1
	opts.OnOperation = func(op es.Operation) {
		if op.Name == "recover_game" {
			mu.Lock()
			last = op.Events
			mu.Unlock()
		}
	}
	return func() int { mu.Lock(); defer mu.Unlock(); return last }
}

// RecoverGame starts from the newest snapshot, folds only the later events
// and ends where recovery from scratch ends.
func TestRecoverGame_FromSnapshot(t *testing.T) {
	ctx := context.Background()
	for _, name := range gameStreams {
		t.Run(name, func(t *testing.T) {
			recs := loadStream(t, filepath.Join("testdata", "streams", name+".jsonl"))
			opts := &es.Options{Now: func() time.Time { return testClock }}
			folded := foldedEvents(opts)
			s, _ := mustOpen(t, opts)
			id, k := recs[0].StreamID, len(recs)*2/3
			appendGame(t, s, id, eventsOf(recs[:k]))
			partial, err := es.RecoverGame(ctx, s, id)
			if err != nil {
				t.Fatal(err)
			}
			if err := es.SaveGameSnapshot(ctx, s, partial); err != nil {
				t.Fatal(err)
			}
			appendGame(t, s, id, eventsOf(recs[k:]))

			got, err := es.RecoverGame(ctx, s, id)
			if err != nil {
				t.Fatal(err)
			}
			if n := folded(); n != len(recs)-k {
				t.Errorf("folded %d events, want the %d after the snapshot", n, len(recs)-k)
			}
			want, err := es.RecoverGameFrom(ctx, s, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("from snapshot (-scratch +snapshot):\n%s", diff)
			}
		})
	}
}

// Snapshots that cannot serve are passed over: another state schema
// version, a state that does not decode, a stream started again.
func TestRecoverGame_PassesOverUnusableSnapshots(t *testing.T) {
	ctx := context.Background()
	recs := loadStream(t, filepath.Join("testdata", "streams", "race.jsonl"))
	id := recs[0].StreamID
	tests := []struct {
		name  string
		setup func(t *testing.T, s *es.Store)
	}{
		{"other schema version", func(t *testing.T, s *es.Store) {
			if err := s.SaveSnapshot(ctx, id, 10, es.GameStateSchemaVersion+1, []byte(`{"nonsense":true}`)); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage state", func(t *testing.T, s *es.Store) {
			if err := s.SaveSnapshot(ctx, id, 10, es.GameStateSchemaVersion, []byte(`{"game_id":`)); err != nil {
				t.Fatal(err)
			}
		}},
		{"stream started again", func(t *testing.T, s *es.Store) {
			g, err := es.RecoverGame(ctx, s, id)
			if err != nil {
				t.Fatal(err)
			}
			if err := es.SaveGameSnapshot(ctx, s, g); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteStream(ctx, id, es.Any, es.HardDelete); err != nil {
				t.Fatal(err)
			}
			appendGame(t, s, id, eventsOf(recs))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := &es.Options{Now: func() time.Time { return testClock }}
			folded := foldedEvents(opts)
			s, _ := mustOpen(t, opts)
			appendGame(t, s, id, eventsOf(recs))
			tt.setup(t, s)
			got, err := es.RecoverGame(ctx, s, id)
			if err != nil {
				t.Fatal(err)
			}
			if n := folded(); n != len(recs) {
				t.Errorf("folded %d events, want all %d", n, len(recs))
			}
			want, _ := es.RecoverGameFrom(ctx, s, id, nil)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-scratch +got):\n%s", diff)
			}
		})
	}
}

func TestRecoverGame_SnapshotEvery(t *testing.T) {
	ctx := context.Background()
	recs := loadStream(t, filepath.Join("testdata", "streams", "knockout.jsonl"))
	id := recs[0].StreamID
	opts := &es.Options{Now: func() time.Time { return testClock }, SnapshotEvery: 10}
	s, _ := mustOpen(t, opts)
	appendGame(t, s, id, eventsOf(recs[:5]))
	if _, err := es.RecoverGame(ctx, s, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadSnapshot(ctx, id, es.GameStateSchemaVersion); !errors.Is(err, es.ErrSnapshotNotFound) {
		t.Errorf("after 5 events: err = %v, want no snapshot yet", err)
	}
	appendGame(t, s, id, eventsOf(recs[5:]))
	g, err := es.RecoverGame(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.LoadSnapshot(ctx, id, es.GameStateSchemaVersion)
	if err != nil {
		t.Fatalf("after %d events: %v", len(recs), err)
	}
	if snap.Version != g.Version {
		t.Errorf("snapshot at version %d, want %d", snap.Version, g.Version)
	}
}

func TestSaveGameSnapshot_Errors(t *testing.T) {
	ctx := context.Background()
	s, _ := gameStore(t)
	if err := es.SaveGameSnapshot(ctx, s, nil); !errors.Is(err, es.ErrSerializationFailed) {
		t.Errorf("nil state: err = %v, want ErrSerializationFailed", err)
	}
	if err := es.SaveGameSnapshot(ctx, s, &es.GameState{GameID: "absent", Version: 3}); !errors.Is(err, es.ErrStreamNotFound) {
		t.Errorf("absent stream: err = %v, want ErrStreamNotFound", err)
	}
}
