package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
)

// tally is the state of the replay and snapshot tests: it counts the note
// events folded in and sums their numbers.
type tally struct {
	Count int   `json:"count"`
	Sum   int   `json:"sum"`
	Last  int64 `json:"last"` // the version of the last event folded in
}

// addNote folds one note event into a tally, refusing versions out of order.
func addNote(t tally, rec eventstore.RecordedEvent) (tally, error) {
	n, ok := rec.Event.(*note)
	if !ok {
		return t, fmt.Errorf("event %d is %T, want *note", rec.Version, rec.Event)
	}
	if rec.Version != t.Last+1 {
		return t, fmt.Errorf("version %d after %d", rec.Version, t.Last)
	}
	return tally{Count: t.Count + 1, Sum: t.Sum + n.N, Last: rec.Version}, nil
}

// appendNotes appends n notes to stream in batches of up to 1000 and
// returns the tally of the whole stream.
func appendNotes(tb testing.TB, s *eventstore.Store, stream string, n int) tally {
	tb.Helper()
	var want tally
	for done := 0; done < n; {
		k := min(1000, n-done)
		mustAppend(tb, s, stream, eventstore.Any, notes(fmt.Sprintf("%s-%d", stream, done), k)...)
		done += k
		want.Count += k
		want.Sum += k * (k + 1) / 2
	}
	want.Last = int64(n)
	return want
}

// A stream many read batches long is folded whole, in order.
func TestReplay_FoldsManyBatches(t *testing.T) {
	opts := testOptions(t)
	opts.MaxReadBatch = 250
	s, _ := mustOpen(t, opts)
	appendNotes(t, s, "game-2", 10) // another stream stays out
	want := appendNotes(t, s, "game-1", 3000)

	got, version, err := eventstore.Replay(context.Background(), s, "game-1", 0, tally{}, addNote)
	if err != nil {
		t.Fatalf("Replay: %v", err)
	}
	if version != 3000 {
		t.Errorf("version = %d, want 3000", version)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
}

func TestReplay_After(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	appendNotes(t, s, "g", 5) // N = 1..5
	tests := []struct {
		after       int64
		want        tally
		wantVersion int64
		wantErr     error
	}{
		{0, tally{Count: 5, Sum: 15, Last: 5}, 5, nil},
		{3, tally{Count: 2, Sum: 9, Last: 5}, 5, nil},
		{5, tally{Last: 5}, 5, nil},
		{6, tally{}, 0, eventstore.ErrStreamNotFound},
		{-1, tally{}, 0, eventstore.ErrInvalidStartVersion},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("after=%d", tt.after), func(t *testing.T) {
			got, version, err := eventstore.Replay(ctx, s, "g", tt.after, tally{Last: tt.after}, addNote)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if version != tt.wantVersion {
				t.Errorf("version = %d, want %d", version, tt.wantVersion)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReplay_Errors(t *testing.T) {
	ctx := context.Background()
	s, _ := mustOpen(t, nil)
	appendNotes(t, s, "soft", 2)
	if err := s.DeleteStream(ctx, "soft", eventstore.Any, eventstore.SoftDelete); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	appendNotes(t, s, "live", 2)
	tests := []struct {
		name    string
		ctx     context.Context
		stream  string
		wantErr error
	}{
		{"absent", ctx, "nothing", eventstore.ErrStreamNotFound},
		{"invalid id", ctx, "$all", eventstore.ErrInvalidStreamID},
		{"soft-deleted", ctx, "soft", eventstore.ErrStreamDeleted},
		{"cancelled", cancelled, "live", context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := eventstore.Replay(tt.ctx, s, tt.stream, 0, tally{}, addNote)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}

	closed, _ := mustOpen(t, nil)
	closed.Close()
	if _, _, err := eventstore.Replay(ctx, closed, "live", 0, tally{}, addNote); !errors.Is(err, eventstore.ErrConnection) {
		t.Errorf("closed store: err = %v, want ErrConnection", err)
	}
}

func TestReplay_ApplyErrorNamesEvent(t *testing.T) {
	s, _ := mustOpen(t, nil)
	appendNotes(t, s, "other", 3)
	appendNotes(t, s, "g", 6)
	errRule := errors.New("rule broken")
	refuse4 := func(t tally, rec eventstore.RecordedEvent) (tally, error) {
		if rec.Version == 4 {
			return t, errRule
		}
		return addNote(t, rec)
	}
	got, version, err := eventstore.Replay(context.Background(), s, "g", 0, tally{}, refuse4)
	var re *eventstore.ReplayError
	if !errors.Is(err, errRule) || !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *ReplayError wrapping the apply error", err)
	}
	want := eventstore.ReplayError{StreamID: "g", Version: 4, Position: 7, Err: errRule}
	if diff := cmp.Diff(want, *re, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("ReplayError (-want +got):\n%s", diff)
	}
	if got != (tally{}) || version != 0 {
		t.Errorf("a failed replay returned state %+v at version %d, want nothing", got, version)
	}
}

// A version missing from the middle of a stream (a damaged file) stops the
// replay with an error naming it, never a partial state.
func TestReplay_GapInVersions(t *testing.T) {
	s, path := mustOpen(t, nil)
	appendNotes(t, s, "g", 8)
	if _, err := rawDB(t, path).Exec("DELETE FROM events WHERE stream_id = 'g' AND version = 5"); err != nil {
		t.Fatal(err)
	}
	_, _, err := eventstore.Replay(context.Background(), s, "g", 0, tally{}, addNote)
	var re *eventstore.ReplayError
	if !errors.Is(err, eventstore.ErrDeserializationFailed) || !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *ReplayError matching ErrDeserializationFailed", err)
	}
	if re.StreamID != "g" || re.Version != 5 || re.Position != 6 {
		t.Errorf("ReplayError names stream %q version %d position %d, want \"g\" 5 6", re.StreamID, re.Version, re.Position)
	}
}
