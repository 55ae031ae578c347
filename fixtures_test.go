package eventstore_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Fixtures shared by the tests: one valid event of each type, at t0,
// validated at now.
var (
	now = time.Date(2026, 3, 4, 5, 6, 7, 891234000, time.UTC)
	t0  = now.Add(-10 * time.Minute)
)

// eventOpts compares events: nil and empty maps, slices and sets alike.
var eventOpts = cmp.Options{cmpopts.EquateEmpty()}

func intp(n int) *int                    { return &n }
func timep(t time.Time) *time.Time       { return &t }
func set(items ...string) es.Set[string] { return es.NewSet(items...) }

func testMetadata() es.Metadata {
	return es.Metadata{SourceID: "1300000000000000001", CorrelationID: "corr-1", GuildID: "guild-1", ActorID: "p1"}
}

func testBase(mode es.Mode, round int) es.Base {
	return es.Base{GameID: "game-1", GuildID: "guild-1", Mode: mode, RoundNumber: round, Timestamp: t0, Metadata: testMetadata()}
}

func stats() map[string]es.PlayerStats {
	return map[string]es.PlayerStats{
		"p1": {TotalGuesses: 4, SuccessfulMatches: 2, AbandonedGuesses: 1, AverageGuessCount: 2},
		"p2": {TotalGuesses: 4, SuccessfulMatches: 2, AverageGuessCount: 0.1},
	}
}

func validGameStarted() *es.GameStarted {
	return &es.GameStarted{
		Base:      testBase(es.ModeKnockout, 1),
		Teams:     map[string][]string{"t1": {"p1", "p2"}, "t2": {"p3", "p4"}},
		TeamIDs:   []string{"t2", "t1"},
		PlayerIDs: []string{"p1", "p2", "p3", "p4", "spectator"},
		Config:    es.GameConfig{RoundDurationSeconds: 120},
		StartedAt: t0,
	}
}

func validTwoPlayerStarted() *es.GameStarted {
	e := validGameStarted()
	e.Mode = es.ModeTwoPlayer
	e.Teams = map[string][]string{"t1": {"p1", "p2"}}
	e.TeamIDs = []string{"t1"}
	e.PlayerIDs = []string{"p1", "p2"}
	return e
}

func validRoundStarted() *es.RoundStarted {
	return &es.RoundStarted{Base: testBase(es.ModeKnockout, 2), TeamStates: map[string]es.TeamState{
		"t1": {TeamID: "t1", ActivePlayers: set("p1", "p2"), EliminatedPlayers: set(), Score: 3, Matches: 1, TotalGuesses: 5, AverageGuesses: 2.5, RemainingGuesses: 7},
		"t2": {TeamID: "t2", ActivePlayers: set("p4", "p3"), Score: -1},
	}}
}

func validGuessProcessed() *es.GuessProcessed {
	return &es.GuessProcessed{
		Base: testBase(es.ModeTwoPlayer, 1), TeamID: "t1", Player1ID: "p1", Player2ID: "p2",
		Player1Word: "apple", Player2Word: "apple", GuessSuccessful: true, MatchScore: intp(4),
		GuessCount: 2, RoundGuessCount: 3, TotalGuesses: 9, GuessDuration: 1500, Player1Duration: 1500, Player2Duration: 900,
	}
}

func validGuessAbandoned() *es.GuessAbandoned {
	return &es.GuessAbandoned{
		Base: testBase(es.ModeRace, 1), TeamID: "t1", Player1ID: "p1", Player2ID: "p2",
		AbandoningPlayerID: "p2", Reason: es.AbandonTimeout,
		LastGuess:  &es.LastGuess{PlayerID: "p1", Word: "river", Timestamp: t0.Add(-time.Second)},
		GuessCount: 1, RoundGuessCount: 1, TotalGuesses: 1, GuessDuration: intp(30000),
	}
}

func validTeamEliminated() *es.TeamEliminated {
	return &es.TeamEliminated{
		Base: testBase(es.ModeKnockout, 2), TeamID: "t2", Reason: es.EliminationRoundLoss,
		FinalState: es.TeamInfo{TeamID: "t2", PlayerIDs: []string{"p3", "p4"}, Score: 2, Matches: 1, TotalGuesses: 8},
		FinalScore: 2, PlayerStats: stats(),
	}
}

func validGameCompleted() *es.GameCompleted {
	return &es.GameCompleted{
		Base: testBase(es.ModeKnockout, 3), Winners: set("t1"),
		FinalScores: map[string]es.TeamScore{
			"t1": {Score: 9, Matches: 3, TotalGuesses: 10, AverageGuesses: 10.0 / 3, PlayerStats: stats()},
			"t2": {Score: 2, Matches: 1, TotalGuesses: 8, AverageGuesses: 8},
		},
		GameDuration: 600, TotalRounds: 3, FinishedAt: t0,
	}
}

func validKnockoutRoundCompleted() *es.KnockoutRoundCompleted {
	return &es.KnockoutRoundCompleted{
		Base:            testBase(es.ModeKnockout, 2),
		EliminatedTeams: []es.EliminatedTeam{{TeamID: "t2", Reason: es.EliminationMaxGuesses, FinalScore: 2, PlayerStats: stats()}},
		AdvancingTeams:  []es.AdvancingTeam{{TeamID: "t1", Score: 9, Matches: 3, TotalGuesses: 10}},
		RoundDuration:   300,
	}
}

func validRaceModeTimeExpired() *es.RaceModeTimeExpired {
	return &es.RaceModeTimeExpired{
		Base: testBase(es.ModeRace, 1),
		FinalMatches: map[string]es.TeamMatches{
			"t1": {Matches: 4, TotalGuesses: 10, AverageGuesses: 2.5, LastMatchTimestamp: timep(t0.Add(-time.Minute)), PlayerStats: stats()},
			"t2": {Matches: 0, TotalGuesses: 3},
		},
		GameDuration: 180,
	}
}

// validEvents returns one valid event of each type, in type order.
func validEvents() []es.Event {
	return []es.Event{
		validGameStarted(), validRoundStarted(), validGuessProcessed(), validGuessAbandoned(),
		validTeamEliminated(), validGameCompleted(), validKnockoutRoundCompleted(), validRaceModeTimeExpired(),
	}
}

// roundTrip encodes e and decodes it with the default serializer, putting
// its metadata back as the store does.
func roundTrip(tb testing.TB, e es.Event) es.Event {
	tb.Helper()
	got, err := tryRoundTrip(e)
	if err != nil {
		tb.Fatalf("round trip of %s: %v", e.EventType(), err)
	}
	return got
}

func tryRoundTrip(e es.Event) (es.Event, error) {
	s := es.NewJSONSerializer(nil)
	data, err := s.Serialize(e)
	if err != nil {
		return nil, err
	}
	got, err := s.Deserialize(e.EventType(), e.EventVersion(), data)
	if err != nil {
		return nil, err
	}
	*got.(es.MetadataCarrier).EventMetadata() = *e.(es.MetadataCarrier).EventMetadata()
	return got, nil
}

// baseOf returns the Base of a GameBot event.
func baseOf(e es.Event) *es.Base {
	switch e := e.(type) {
	case *es.GameStarted:
		return &e.Base
	case *es.RoundStarted:
		return &e.Base
	case *es.GuessProcessed:
		return &e.Base
	case *es.GuessAbandoned:
		return &e.Base
	case *es.TeamEliminated:
		return &e.Base
	case *es.GameCompleted:
		return &e.Base
	case *es.KnockoutRoundCompleted:
		return &e.Base
	case *es.RaceModeTimeExpired:
		return &e.Base
	}
	panic(fmt.Sprintf("not a GameBot event: %T", e))
}

var posInf = math.Inf(1)
