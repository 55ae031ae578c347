package eventstore_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// raceRecords returns the records of testdata's race game, each event a
// copy the test may change, positions as a fresh store would give.
func raceRecords(t *testing.T) []es.RecordedEvent {
	t.Helper()
	recs := loadStream(t, filepath.Join(streamsDir, "race.jsonl"))
	for i := range recs {
		recs[i].Event = roundTripCopy(recs[i].Event)
		recs[i].Position = recs[i].Version
	}
	return recs
}

// renumber gives recs consecutive versions and positions from 1.
func renumber(recs []es.RecordedEvent) []es.RecordedEvent {
	for i := range recs {
		recs[i].Version, recs[i].Position = int64(i+1), int64(i+1)
	}
	return recs
}

// later returns a copy of rec with a new event id, timed at after's
// timestamp.
func later(rec, after es.RecordedEvent) es.RecordedEvent {
	rec.Event = roundTripCopy(rec.Event)
	b := baseOf(rec.Event)
	b.Timestamp = baseOf(after.Event).Timestamp
	rec.EventID = rec.EventID + "-again"
	b.Metadata.EventID = rec.EventID
	return rec
}

func TestGameState_Apply(t *testing.T) {
	n := len(raceRecords(t)) // game_started, guesses, race_mode_time_expired, game_completed
	tests := []struct {
		name        string
		edit        func([]es.RecordedEvent) []es.RecordedEvent
		wantVersion int64 // 0: no error
		wantRule    string
		wantErr     error // also matched, when set
	}{
		{"valid", func(r []es.RecordedEvent) []es.RecordedEvent { return r }, 0, "", nil},
		{"version skipped", func(r []es.RecordedEvent) []es.RecordedEvent {
			return append(r[:2:2], r[3:]...)
		}, 4, es.RuleContiguous, nil},
		{"version repeated", func(r []es.RecordedEvent) []es.RecordedEvent {
			return append(r[:3:3], r[2:]...)
		}, 3, es.RuleContiguous, nil},
		{"not decoded", func(r []es.RecordedEvent) []es.RecordedEvent {
			r[4].Event = nil
			return r
		}, 5, es.RuleDecodes, es.ErrDeserializationFailed},
		{"invalid event", func(r []es.RecordedEvent) []es.RecordedEvent {
			baseOf(r[6].Event).RoundNumber = 0
			return r
		}, 7, es.RuleValid, es.ErrInvalidEventData},
		{"second game_started", func(r []es.RecordedEvent) []es.RecordedEvent {
			return renumber(append(r[:3:3], r[0:]...))
		}, 4, es.RuleGameStarted, nil},
		{"game_id is not the stream's", func(r []es.RecordedEvent) []es.RecordedEvent {
			for i := range r {
				baseOf(r[i].Event).GameID = "another-game"
			}
			return r
		}, 1, es.RuleSameGame, nil},
		{"event of another stream", func(r []es.RecordedEvent) []es.RecordedEvent {
			r[8].StreamID = "another-game"
			return r
		}, 9, es.RuleSameGame, nil},
		{"mode changes", func(r []es.RecordedEvent) []es.RecordedEvent {
			baseOf(r[8].Event).Mode = es.ModeKnockout
			return r
		}, 9, es.RuleSameGame, nil},
		{"timestamp goes back", func(r []es.RecordedEvent) []es.RecordedEvent {
			b := baseOf(r[10].Event)
			b.Timestamp = baseOf(r[9].Event).Timestamp.Add(-time.Millisecond)
			return r
		}, 11, es.RuleTimeOrder, nil},
		{"event causes itself", func(r []es.RecordedEvent) []es.RecordedEvent {
			baseOf(r[12].Event).Metadata.CausationID = r[12].EventID
			return r
		}, 13, es.RuleCausation, nil},
		{"race: time expires after game_completed", func(r []es.RecordedEvent) []es.RecordedEvent {
			r[n-2], r[n-1] = r[n-1], r[n-2]
			baseOf(r[n-1].Event).Timestamp = baseOf(r[n-2].Event).Timestamp
			return renumber(r)
		}, 0, "", nil},
		{"race: a guess after race_mode_time_expired", func(r []es.RecordedEvent) []es.RecordedEvent {
			last := r[n-1]
			r[n-1] = r[n-3]
			baseOf(r[n-1].Event).Timestamp = baseOf(r[n-2].Event).Timestamp
			return renumber(append(r, last))
		}, int64(n), es.RuleGameEnd, nil},
		{"race: time expires twice", func(r []es.RecordedEvent) []es.RecordedEvent {
			return renumber(append(r, later(r[n-2], r[n-1])))
		}, int64(n + 1), es.RuleGameEnd, nil},
		{"race: game_completed twice", func(r []es.RecordedEvent) []es.RecordedEvent {
			return renumber(append(r, later(r[n-1], r[n-1])))
		}, int64(n + 1), es.RuleGameEnd, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := tt.edit(raceRecords(t))
			var g es.GameState
			for _, rec := range recs {
				before := g.Clone()
				err := g.Apply(rec)
				if err == nil {
					continue
				}
				if tt.wantVersion == 0 {
					t.Fatalf("Apply(version %d): %v", rec.Version, err)
				}
				var re *es.RecoveryError
				if !errors.As(err, &re) || !errors.Is(err, es.ErrCorruptStream) {
					t.Fatalf("Apply: %v, want a *RecoveryError", err)
				}
				if re.Version != tt.wantVersion || re.Rule != tt.wantRule {
					t.Errorf("Apply: version %d rule %q (%v); want %d %q", re.Version, re.Rule, err, tt.wantVersion, tt.wantRule)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("Apply: %v, want it to match %v", err, tt.wantErr)
				}
				if diff := cmp.Diff(before, &g); diff != "" {
					t.Errorf("a failed Apply changed the state (-before +after):\n%s", diff)
				}
				return
			}
			if tt.wantVersion != 0 {
				t.Fatalf("every event applied, want rule %q at version %d", tt.wantRule, tt.wantVersion)
			}
			if g.Status != es.GameStatusCompleted || !g.TimeExpired {
				t.Errorf("Status %q, TimeExpired %v; want completed, true", g.Status, g.TimeExpired)
			}
		})
	}
}

func TestGameState_JSONRoundTrip(t *testing.T) {
	var g es.GameState
	for _, rec := range raceRecords(t)[:7] {
		if err := g.Apply(rec); err != nil {
			t.Fatal(err)
		}
	}
	b := mustJSON(t, &g)
	var back es.GameState
	if err := back.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&g, &back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if got := mustJSON(t, back); string(got) != string(b) {
		t.Errorf("JSON after a round trip differs:\n%s\n%s", b, got)
	}
	// Before the game ends, finished_at is null.
	if !strings.Contains(string(b), `"finished_at":null`) {
		t.Errorf("finished_at of an active game is not null: %s", b)
	}
	// A zero state encodes and decodes too.
	var zero, zeroBack es.GameState
	if err := zeroBack.UnmarshalJSON(mustJSON(t, zero)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(zero, zeroBack, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("zero round trip (-want +got):\n%s", diff)
	}
}
