package gamesim_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/gamebot/eventstore/internal/gamesim"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
)

var (
	start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	modes = []es.Mode{es.ModeTwoPlayer, es.ModeKnockout, es.ModeRace}
)

func play(t testing.TB, seed uint64, mode es.Mode, events int) []es.Event {
	t.Helper()
	evs, err := gamesim.Play(gamesim.Config{Seed: seed, Mode: mode, GuildID: "4242", GameID: "game-1", Start: start, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// checkGame asserts what every simulated game must satisfy.
func checkGame(t *testing.T, evs []es.Event) {
	t.Helper()
	if err := gamesim.Check(evs); err != nil {
		t.Fatal(err)
	}
	last := gamesim.BaseOf(evs[len(evs)-1]).Timestamp
	ids := make(map[string]bool)
	for i, e := range evs {
		if err := e.(es.Validator).Validate(last); err != nil {
			t.Fatalf("event %d (%s): %v", i, e.EventType(), err)
		}
		md := e.(es.MetadataCarrier).EventMetadata()
		u, err := uuid.Parse(md.EventID)
		if err != nil || u.Version() != 7 || ids[md.EventID] {
			t.Fatalf("event %d: event id %q is not a new UUID v7", i, md.EventID)
		}
		if i > 0 && !ids[md.CausationID] {
			t.Fatalf("event %d: causation id %q is not an earlier event", i, md.CausationID)
		}
		ids[md.EventID] = true
		if md.CorrelationID != evs[0].(es.MetadataCarrier).EventMetadata().CorrelationID {
			t.Fatalf("event %d: another correlation", i)
		}
	}
}

func TestPlay_Modes(t *testing.T) {
	for _, mode := range modes {
		for seed := range uint64(40) {
			evs := play(t, seed, mode, 0)
			checkGame(t, evs)
			if len(evs) < 30 || len(evs) > 60 {
				t.Errorf("%s seed %d: %d events, want 30 to 60", mode, seed, len(evs))
			}
			gs := evs[0].(*es.GameStarted)
			counts := map[string]int{}
			for _, e := range evs {
				counts[e.EventType()]++
			}
			switch mode {
			case es.ModeTwoPlayer:
				if len(gs.Teams) != 1 || counts["round_started"] != 5 {
					t.Errorf("two_player: %d teams, %d rounds", len(gs.Teams), counts["round_started"])
				}
			case es.ModeKnockout:
				n := len(gs.Teams)
				if n < 3 || n > 4 || counts["team_eliminated"] != n-1 || counts["knockout_round_completed"] != n-1 {
					t.Errorf("knockout: %d teams, counts %v", n, counts)
				}
				if w := evs[len(evs)-1].(*es.GameCompleted).Winners; w.Len() != 1 {
					t.Errorf("knockout winners %v", w.Sorted())
				}
			case es.ModeRace:
				if n := len(gs.Teams); n < 2 || n > 3 || counts["race_mode_time_expired"] != 1 || counts["round_started"] != 0 {
					t.Errorf("race: %d teams, counts %v", n, counts)
				}
			}
			if counts["game_completed"] != 1 || evs[len(evs)-1].EventType() != "game_completed" {
				t.Errorf("%s: does not end with one game_completed", mode)
			}
		}
	}
}

func TestPlay_Deterministic(t *testing.T) {
	for _, mode := range modes {
		a, err := json.Marshal(play(t, 7, mode, 0))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(play(t, 7, mode, 0))
		if string(a) != string(b) {
			t.Errorf("%s: two plays of one seed differ", mode)
		}
		c, _ := json.Marshal(play(t, 8, mode, 0))
		if string(a) == string(c) {
			t.Errorf("%s: two seeds play the same game", mode)
		}
	}
}

func TestPlay_LongGames(t *testing.T) {
	for _, mode := range modes {
		for _, n := range []int{gamesim.MinEvents(mode), 1000, 10000} {
			evs := play(t, 3, mode, n)
			if len(evs) != n {
				t.Fatalf("%s: %d events, want %d", mode, len(evs), n)
			}
			checkGame(t, evs)
		}
	}
}

func TestPlay_ConfigErrors(t *testing.T) {
	ok := gamesim.Config{Mode: es.ModeRace, GuildID: "g", GameID: "x", Start: start}
	for _, tt := range []struct {
		name string
		edit func(*gamesim.Config)
	}{
		{"bad mode", func(c *gamesim.Config) { c.Mode = "solo" }},
		{"no guild", func(c *gamesim.Config) { c.GuildID = "" }},
		{"no game", func(c *gamesim.Config) { c.GameID = "" }},
		{"no start", func(c *gamesim.Config) { c.Start = time.Time{} }},
		{"too few events", func(c *gamesim.Config) { c.Events = gamesim.MinEvents(es.ModeRace) - 1 }},
		{"negative events", func(c *gamesim.Config) { c.Events = -1 }},
	} {
		c := ok
		tt.edit(&c)
		if _, err := gamesim.Play(c); !errors.Is(err, gamesim.ErrConfig) {
			t.Errorf("%s: Play() = %v, want ErrConfig", tt.name, err)
		}
	}
}

func TestCheck_Malformed(t *testing.T) {
	for _, tt := range []struct {
		name string
		mode es.Mode
		edit func([]es.Event) []es.Event
	}{
		{"empty", es.ModeRace, func([]es.Event) []es.Event { return nil }},
		{"no game_started", es.ModeTwoPlayer, func(e []es.Event) []es.Event { return e[1:] }},
		{"second game_started", es.ModeTwoPlayer, func(e []es.Event) []es.Event { return append(e[:2:2], e...) }},
		{"event after game_completed", es.ModeTwoPlayer, func(e []es.Event) []es.Event { return append(e, e[2]) }},
		{"expired twice", es.ModeRace, func(e []es.Event) []es.Event { return append(e, e[len(e)-2]) }},
		{"guess after expiry", es.ModeRace, func(e []es.Event) []es.Event {
			n := len(e)
			return append(e[:n-1:n-1], e[1], e[n-1])
		}},
		{"other guild", es.ModeKnockout, func(e []es.Event) []es.Event { gamesim.BaseOf(e[3]).GuildID = "x"; return e }},
		{"round goes back", es.ModeKnockout, func(e []es.Event) []es.Event {
			gamesim.BaseOf(e[len(e)-1]).RoundNumber = 1
			return e
		}},
		{"time goes back", es.ModeRace, func(e []es.Event) []es.Event { gamesim.BaseOf(e[2]).Timestamp = start.Add(-time.Hour); return e }},
		{"undeclared team", es.ModeRace, func(e []es.Event) []es.Event {
			for _, x := range e {
				if g, ok := x.(*es.GuessProcessed); ok {
					g.TeamID = "purple"
				}
			}
			return e
		}},
		{"team acts after elimination", es.ModeKnockout, func(e []es.Event) []es.Event {
			out := ""
			for _, x := range e {
				switch x := x.(type) {
				case *es.TeamEliminated:
					out = x.TeamID
				case *es.GuessProcessed:
					if out != "" {
						x.TeamID = out
						return e
					}
				}
			}
			return e
		}},
		{"causation names a later event", es.ModeTwoPlayer, func(e []es.Event) []es.Event {
			e[1].(es.MetadataCarrier).EventMetadata().CausationID = e[5].(es.MetadataCarrier).EventMetadata().EventID
			return e
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := gamesim.Check(tt.edit(play(t, 1, tt.mode, 0))); !errors.Is(err, gamesim.ErrMalformed) {
				t.Errorf("Check() = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestCheck_RaceExpiryAfterCompletion(t *testing.T) {
	evs := play(t, 2, es.ModeRace, 0)
	n := len(evs)
	evs[n-2], evs[n-1] = evs[n-1], evs[n-2]
	// Keep timestamps in order and the completion caused by an earlier event.
	gamesim.BaseOf(evs[n-1]).Timestamp = gamesim.BaseOf(evs[n-2]).Timestamp
	evs[n-2].(es.MetadataCarrier).EventMetadata().CausationID = evs[0].(es.MetadataCarrier).EventMetadata().EventID
	if diff := cmp.Diff("race_mode_time_expired", evs[n-1].EventType()); diff != "" {
		t.Fatal(diff)
	}
	if err := gamesim.Check(evs); err != nil {
		t.Errorf("Check() = %v, want nil", err)
	}
}
