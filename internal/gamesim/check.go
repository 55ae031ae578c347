package gamesim

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/gamebot/eventstore"
)

// ErrMalformed is returned by Check for a sequence of events that is not a
// well-formed game stream.
var ErrMalformed = errors.New("gamesim: malformed game stream")

// Check reports whether events form a well-formed game stream as EVENTS.md
// ("Streams of a game") defines it: one game_started first; the same game,
// guild and mode throughout; round numbers and timestamps never decrease;
// every team mentioned was declared; no team acts after its elimination; a
// causation id naming an event of the stream names an earlier one; nothing
// after game_completed except, in race mode, one race_mode_time_expired
// (which may instead come just before it). It does not validate the
// events one by one. Errors match ErrMalformed and name the event's index.
//
// Check is the test oracle of the simulator and of the invalid streams in
// testdata; the store's recovery has its own implementation.
func Check(events []eventstore.Event) error {
	fail := func(i int, format string, args ...any) error {
		return fmt.Errorf("%w: event %d: %s", ErrMalformed, i, fmt.Sprintf(format, args...))
	}
	if len(events) == 0 {
		return fmt.Errorf("%w: no events", ErrMalformed)
	}
	// First pass: every event is a GameBot event, and where each event id
	// sits, so a causation id can be placed.
	ids := make(map[string]int) // event id → index
	for i, e := range events {
		if BaseOf(e) == nil {
			return fail(i, "not a GameBot event")
		}
		if id := metadata(e).EventID; id != "" {
			ids[id] = i
		}
	}
	gs, ok := events[0].(*eventstore.GameStarted)
	if !ok {
		return fail(0, "first event is %s, not game_started", events[0].EventType())
	}
	// Second pass: the rules, in stream order.
	eliminated := make(map[string]bool)
	completed, expired := -1, -1
	prev := gs.Base
	for i, e := range events {
		b := BaseOf(e)
		switch {
		case i > 0 && e.EventType() == eventstore.TypeGameStarted:
			return fail(i, "a second game_started")
		case b.GameID != gs.GameID || b.GuildID != gs.GuildID || b.Mode != gs.Mode:
			return fail(i, "game, guild or mode differs from game_started")
		case b.RoundNumber < prev.RoundNumber:
			return fail(i, "round_number %d after %d", b.RoundNumber, prev.RoundNumber)
		case b.Timestamp.Before(prev.Timestamp):
			return fail(i, "timestamp goes back")
		}
		prev = *b
		// A causation id outside the stream (a command's source) is fine.
		if c := metadata(e).CausationID; c != "" {
			if j, ok := ids[c]; ok && j >= i {
				return fail(i, "causation_id names event %d, not an earlier one", j)
			}
		}
		// What may follow game_completed.
		if completed >= 0 {
			if gs.Mode != eventstore.ModeRace || e.EventType() != eventstore.TypeRaceModeTimeExpired || expired >= 0 {
				return fail(i, "%s after game_completed", e.EventType())
			}
		}
		if expired >= 0 && e.EventType() != eventstore.TypeGameCompleted {
			return fail(i, "%s after race_mode_time_expired", e.EventType())
		}
		mentioned, acting := teams(e)
		for _, t := range mentioned {
			if _, declared := gs.Teams[t]; !declared {
				return fail(i, "team %q was not declared", t)
			}
		}
		for _, t := range acting {
			if eliminated[t] {
				return fail(i, "team %q acts after its elimination", t)
			}
		}
		// Record what changes the rules for later events.
		switch e := e.(type) {
		case *eventstore.TeamEliminated:
			eliminated[e.TeamID] = true
		case *eventstore.GameCompleted:
			completed = i
		case *eventstore.RaceModeTimeExpired:
			expired = i
		}
	}
	return nil
}

// teams returns the team ids e mentions and, among them, those that act.
func teams(e eventstore.Event) (mentioned, acting []string) {
	// Acting: guessing, starting a round, advancing. Being named in an
	// elimination or a result is not acting.
	switch e := e.(type) {
	case *eventstore.RoundStarted:
		for id := range e.TeamStates {
			acting = append(acting, id)
		}
	case *eventstore.GuessProcessed:
		acting = []string{e.TeamID}
	case *eventstore.GuessAbandoned:
		acting = []string{e.TeamID}
	case *eventstore.TeamEliminated:
		mentioned = []string{e.TeamID}
	case *eventstore.GameCompleted:
		mentioned = append(e.Winners.Sorted(), keys(e.FinalScores)...)
	case *eventstore.KnockoutRoundCompleted:
		for _, t := range e.EliminatedTeams {
			mentioned = append(mentioned, t.TeamID)
		}
		for _, t := range e.AdvancingTeams {
			acting = append(acting, t.TeamID)
		}
	case *eventstore.RaceModeTimeExpired:
		mentioned = keys(e.FinalMatches)
	}
	return append(mentioned, acting...), acting
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// metadata returns e's metadata, or a zero one. e must not be a nil
// pointer.
func metadata(e eventstore.Event) eventstore.Metadata {
	if c, ok := e.(eventstore.MetadataCarrier); ok && c.EventMetadata() != nil {
		return *c.EventMetadata()
	}
	return eventstore.Metadata{}
}

// BaseOf returns the Base of a GameBot event, or nil for another event
// and for a nil one.
func BaseOf(e eventstore.Event) *eventstore.Base {
	if v := reflect.ValueOf(e); !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	switch e := e.(type) {
	case *eventstore.GameStarted:
		return &e.Base
	case *eventstore.RoundStarted:
		return &e.Base
	case *eventstore.GuessProcessed:
		return &e.Base
	case *eventstore.GuessAbandoned:
		return &e.Base
	case *eventstore.TeamEliminated:
		return &e.Base
	case *eventstore.GameCompleted:
		return &e.Base
	case *eventstore.KnockoutRoundCompleted:
		return &e.Base
	case *eventstore.RaceModeTimeExpired:
		return &e.Base
	}
	return nil
}
