package eventstore_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// tallies returns a Recoverer of tally states over s.
func tallies(s *eventstore.Store, schema int) *eventstore.Recoverer[tally] {
	return &eventstore.Recoverer[tally]{Store: s, Apply: addNote, SchemaVersion: schema}
}

// Recovery from a snapshot taken at any point equals recovery from scratch.
func TestRecoverer_SnapshotEqualsScratch(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	const n = 400
	appendNotes(t, s, "g", n)
	scratch, err := tallies(s, 0).Recover(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.ReadStream(ctx, "g", 1, n)
	if err != nil {
		t.Fatal(err)
	}

	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	points := []int64{1, n}
	for range 10 {
		points = append(points, 1+rng.Int64N(n))
	}
	r := tallies(s, 1)
	for _, p := range points {
		// The state at p, folded by hand, saved as the only snapshot.
		var at tally
		for _, rec := range all[:p] {
			if at, err = addNote(at, rec); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DeleteSnapshots(ctx, "g"); err != nil {
			t.Fatal(err)
		}
		if err := r.Save(ctx, "g", p, at); err != nil {
			t.Fatal(err)
		}
		got, err := r.Recover(ctx, "g")
		if err != nil {
			t.Fatalf("snapshot at %d: %v", p, err)
		}
		if got.SnapshotVersion != p || got.Replayed != int(n-p) || got.Version != n {
			t.Errorf("snapshot at %d: started at %d, replayed %d, reached %d; want %d, %d, %d",
				p, got.SnapshotVersion, got.Replayed, got.Version, p, n-p, n)
		}
		if diff := cmp.Diff(scratch.State, got.State); diff != "" {
			t.Errorf("snapshot at %d: state differs from scratch (-scratch +got):\n%s", p, diff)
		}
	}
}

// A pointer state is decoded into what New returns and changed in place.
func TestRecoverer_PointerState(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	appendNotes(t, s, "g", 20)
	r := &eventstore.Recoverer[*tally]{
		Store:         s,
		SchemaVersion: 1,
		SnapshotEvery: 10,
		New:           func() *tally { return &tally{} },
		Apply: func(t *tally, rec eventstore.RecordedEvent) (*tally, error) {
			next, err := addNote(*t, rec)
			*t = next
			return t, err
		},
	}
	first, err := r.Recover(ctx, "g")
	if err != nil || !first.Saved {
		t.Fatalf("first Recover: saved %v, err %v; want a snapshot saved", first.Saved, err)
	}
	appendNotes(t, s, "g", 5)
	second, err := r.Recover(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	want := tally{Count: 25, Sum: 20*21/2 + 15, Last: 25}
	if second.SnapshotVersion != 20 || *second.State != want {
		t.Errorf("second Recover: from %d, state %+v; want from 20, state %+v", second.SnapshotVersion, *second.State, want)
	}
}

func TestRecoverer_IgnoresOtherSchemaVersion(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	want := appendNotes(t, s, "g", 30)
	if err := tallies(s, 1).Save(ctx, "g", 30, tally{Count: 999}); err != nil {
		t.Fatal(err)
	}
	got, err := tallies(s, 2).Recover(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if got.SnapshotVersion != 0 || got.State != want {
		t.Errorf("Recover = from %d, %+v; want from 0, %+v", got.SnapshotVersion, got.State, want)
	}
}

func TestRecoverer_PassesOverUndecodableSnapshot(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	want := appendNotes(t, s, "g", 12)
	r := tallies(s, 1)
	if err := r.Save(ctx, "g", 5, tally{Count: 5, Sum: 15, Last: 5}); err != nil {
		t.Fatal(err)
	}
	mustSaveSnapshot(t, s, "g", 8, 1, "{not json")
	got, err := r.Recover(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if got.SnapshotVersion != 5 || got.State != want {
		t.Errorf("Recover = from %d, %+v; want from 5, %+v", got.SnapshotVersion, got.State, want)
	}
}

// After a hard delete the id starts again; a snapshot of the old stream
// that survived (copied back, or written by another process) must not be
// applied to the new one.
func TestRecoverer_IgnoresSnapshotOfDeletedStream(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t, nil)
	appendNotes(t, s, "g", 10)
	r := tallies(s, 1)
	if err := r.Save(ctx, "g", 10, tally{Count: 999, Last: 10}); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec("CREATE TEMP TABLE kept AS SELECT * FROM snapshots"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStream(ctx, "g", 10, eventstore.HardDelete); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO snapshots SELECT * FROM kept"); err != nil {
		t.Fatal(err)
	}
	want := appendNotes(t, s, "g", 12)
	got, err := r.Recover(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	if got.SnapshotVersion != 0 || got.State != want {
		t.Errorf("Recover = from %d, %+v; want from 0, %+v", got.SnapshotVersion, got.State, want)
	}
}

func TestRecoverer_SnapshotEvery(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	r := tallies(s, 1)
	r.SnapshotEvery = 100
	steps := []struct {
		add          int
		wantFrom     int64
		wantReplayed int
		wantSaved    bool
	}{
		{250, 0, 250, true},
		{0, 250, 0, false},
		{50, 250, 50, false},
		{60, 250, 110, true},
		{1, 360, 1, false},
	}
	total := 0
	for i, st := range steps {
		if st.add > 0 {
			appendNotes(t, s, "g", st.add)
		}
		total += st.add
		got, err := r.Recover(ctx, "g")
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got.SnapshotVersion != st.wantFrom || got.Replayed != st.wantReplayed || got.Saved != st.wantSaved ||
			got.Version != int64(total) {
			t.Errorf("step %d: from %d replayed %d saved %v version %d; want %d %d %v %d", i,
				got.SnapshotVersion, got.Replayed, got.Saved, got.Version, st.wantFrom, st.wantReplayed, st.wantSaved, total)
		}
	}
}

func TestRecoverer_Errors(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	appendNotes(t, s, "soft", 2)
	if err := s.DeleteStream(ctx, "soft", eventstore.Any, eventstore.SoftDelete); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		r       *eventstore.Recoverer[tally]
		stream  string
		wantErr error // nil: any error
	}{
		{"absent", tallies(s, 1), "nothing", eventstore.ErrStreamNotFound},
		{"soft-deleted", tallies(s, 1), "soft", eventstore.ErrStreamDeleted},
		{"invalid id", tallies(s, 1), "", eventstore.ErrInvalidStreamID},
		{"no store", &eventstore.Recoverer[tally]{Apply: addNote}, "soft", nil},
		{"no apply", &eventstore.Recoverer[tally]{Store: s}, "soft", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Recover(ctx, tt.stream)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if got != (eventstore.Recovered[tally]{}) {
				t.Errorf("a failed Recover returned %+v", got)
			}
		})
	}
}
