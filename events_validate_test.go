package eventstore_test

import (
	"errors"
	"math"
	"testing"
	"time"

	es "github.com/gamebot/eventstore"
)

// rule is one case of a validation table: mutate breaks (or keeps) a valid
// event; field is the JSON field the error must name, "" for valid.
type rule[P any] struct {
	name   string
	mutate func(P)
	field  string
}

// eventPtr is a pointer to one of the GameBot event types.
type eventPtr[T any] interface {
	*T
	es.Event
	es.Validator
}

// runRules checks every rule on a fresh valid event, before and after a
// JSON round trip: the result must be the same both times.
func runRules[T any, P eventPtr[T]](t *testing.T, valid func() P, rules []rule[P]) {
	t.Helper()
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			e := valid()
			tt.mutate(e)
			var wantErr error
			if tt.field != "" {
				wantErr = es.ErrInvalidEventData
			}
			checkValidation(t, "before round trip", e.Validate(now), wantErr, tt.field)
			rt, err := tryRoundTrip(e)
			if err != nil {
				// Only invalid events (a NaN, an infinity) may fail to encode.
				if wantErr == nil || !errors.Is(err, es.ErrSerializationFailed) {
					t.Fatalf("round trip: %v", err)
				}
				return
			}
			checkValidation(t, "after round trip", rt.(es.Validator).Validate(now), wantErr, tt.field)
		})
	}
}

func checkValidation(t *testing.T, when string, err, wantErr error, wantField string) {
	t.Helper()
	if !errors.Is(err, wantErr) {
		t.Fatalf("%s: Validate() = %v, want %v", when, err, wantErr)
	}
	if wantErr == nil {
		return
	}
	var ve *es.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s: Validate() = %T, want *ValidationError", when, err)
	}
	if ve.Field != wantField {
		t.Errorf("%s: field = %q (%s), want %q", when, ve.Field, ve.Message, wantField)
	}
}

// baseRules break the fields every event shares, in the order they are
// checked.
func baseRules[P any](base func(P) *es.Base) []rule[P] {
	b := func(f func(*es.Base)) func(P) { return func(e P) { f(base(e)) } }
	return []rule[P]{
		{"valid", func(P) {}, ""},
		{"game_id empty", b(func(b *es.Base) { b.GameID = "" }), "game_id"},
		{"guild_id empty", b(func(b *es.Base) { b.GuildID = "" }), "guild_id"},
		{"mode empty", b(func(b *es.Base) { b.Mode = "" }), "mode"},
		{"mode unknown", b(func(b *es.Base) { b.Mode = "solo" }), "mode"},
		{"round_number zero", b(func(b *es.Base) { b.RoundNumber = 0 }), "round_number"},
		{"round_number negative", b(func(b *es.Base) { b.RoundNumber = -1 }), "round_number"},
		{"timestamp zero", b(func(b *es.Base) { b.Timestamp = time.Time{} }), "timestamp"},
		{"timestamp in the future", b(func(b *es.Base) { b.Timestamp = now.Add(time.Microsecond) }), "timestamp"},
		{"timestamp equal to now", b(func(b *es.Base) { b.Timestamp = now }), ""},
		{"timestamp within now's microsecond", b(func(b *es.Base) { b.Timestamp = now.Add(500 * time.Nanosecond) }), ""},
		{"timestamp in another zone", b(func(b *es.Base) { b.Timestamp = t0.In(time.FixedZone("x", -5*3600)) }), ""},
		{"metadata.source_id empty", b(func(b *es.Base) { b.Metadata.SourceID = "" }), "metadata.source_id"},
		{"metadata.correlation_id empty", b(func(b *es.Base) { b.Metadata.CorrelationID = "" }), "metadata.correlation_id"},
		{"metadata optional fields empty", b(func(b *es.Base) { b.Metadata = es.Metadata{SourceID: "s", CorrelationID: "c"} }), ""},
		{"first failure wins", b(func(b *es.Base) { b.GuildID, b.Timestamp, b.Metadata = "", time.Time{}, es.Metadata{} }), "guild_id"},
	}
}

func TestValidate_Base(t *testing.T) {
	// The base rules hold for every type; the mode rules of
	// knockout_round_completed and race_mode_time_expired come right after.
	for _, e := range validEvents() {
		t.Run(e.EventType(), func(t *testing.T) {
			for _, tt := range baseRules(baseOf) {
				t.Run(tt.name, func(t *testing.T) {
					e := roundTrip(t, e) // a fresh copy
					tt.mutate(e)
					var wantErr error
					if tt.field != "" {
						wantErr = es.ErrInvalidEventData
					}
					checkValidation(t, "before round trip", e.(es.Validator).Validate(now), wantErr, tt.field)
					checkValidation(t, "after round trip", roundTrip(t, e).(es.Validator).Validate(now), wantErr, tt.field)
				})
			}
		})
	}
}

func TestValidate_ZeroNowSkipsFutureRules(t *testing.T) {
	e := validGameStarted()
	e.Timestamp = now.Add(time.Hour)
	e.StartedAt = now.Add(time.Hour)
	if err := e.Validate(time.Time{}); err != nil {
		t.Fatalf("Validate(zero) = %v, want nil", err)
	}
}

func TestValidate_NilEvent(t *testing.T) {
	for _, v := range []es.Validator{
		(*es.GameStarted)(nil), (*es.RoundStarted)(nil), (*es.GuessProcessed)(nil), (*es.GuessAbandoned)(nil),
		(*es.TeamEliminated)(nil), (*es.GameCompleted)(nil), (*es.KnockoutRoundCompleted)(nil), (*es.RaceModeTimeExpired)(nil),
	} {
		if err := v.Validate(now); !errors.Is(err, es.ErrInvalidEventData) {
			t.Errorf("%T(nil).Validate() = %v, want ErrInvalidEventData", v, err)
		}
	}
}

func TestValidationError_Message(t *testing.T) {
	e := validGameStarted()
	e.GameID = ""
	err := e.Validate(now)
	var ve *es.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate() = %v, want *ValidationError", err)
	}
	if got, want := *ve, (es.ValidationError{Field: "game_id", Message: "game_id is required"}); got != want {
		t.Errorf("error = %+v, want %+v", got, want)
	}
	for _, tt := range []struct {
		mutate func(*es.GameStarted)
		want   string
	}{
		{func(e *es.GameStarted) { e.Timestamp = now.Add(time.Second) }, "timestamp cannot be in the future"},
		{func(e *es.GameStarted) { e.RoundNumber = 0 }, "round_number must be a positive integer"},
	} {
		e := validGameStarted()
		tt.mutate(e)
		if !errors.As(e.Validate(now), &ve) || ve.Message != tt.want {
			t.Errorf("message = %q, want %q", ve.Message, tt.want)
		}
	}
}

func TestGameStarted_Validate(t *testing.T) {
	runRules(t, validGameStarted, []rule[*es.GameStarted]{
		{"valid", func(*es.GameStarted) {}, ""},
		{"round_number not 1", func(e *es.GameStarted) { e.RoundNumber = 2 }, "round_number"},
		{"round_number rule before metadata", func(e *es.GameStarted) { e.RoundNumber, e.Metadata = 2, es.Metadata{} }, "round_number"},
		{"teams nil", func(e *es.GameStarted) { e.Teams = nil }, "teams"},
		{"teams empty", func(e *es.GameStarted) { e.Teams = map[string][]string{} }, "teams"},
		{"team id empty", func(e *es.GameStarted) { e.Teams[""] = []string{"p9"} }, "teams"},
		{"team without players", func(e *es.GameStarted) { e.Teams["t2"] = nil }, "teams.t2"},
		{"empty player id", func(e *es.GameStarted) { e.Teams["t2"] = []string{"p3", ""} }, "teams.t2"},
		{"player in two teams", func(e *es.GameStarted) { e.Teams["t2"] = []string{"p3", "p1"} }, "teams.t2"},
		{"player twice in a team", func(e *es.GameStarted) { e.Teams["t1"] = []string{"p1", "p1"} }, "teams.t1"},
		{"knockout with one team", func(e *es.GameStarted) { delete(e.Teams, "t2") }, "teams"},
		{"race with one team", func(e *es.GameStarted) { e.Mode = es.ModeRace; delete(e.Teams, "t2") }, "teams"},
		{"race with three teams", func(e *es.GameStarted) {
			e.Mode = es.ModeRace
			e.Teams["t3"] = []string{"p5"}
			e.TeamIDs = append(e.TeamIDs, "t3")
			e.PlayerIDs = append(e.PlayerIDs, "p5")
		}, ""},
		{"two_player with two teams", func(e *es.GameStarted) { e.Mode = es.ModeTwoPlayer }, "teams"},
		{"team_ids nil", func(e *es.GameStarted) { e.TeamIDs = nil }, "team_ids"},
		{"team_ids repeats a team", func(e *es.GameStarted) { e.TeamIDs = []string{"t1", "t2", "t1"} }, "team_ids"},
		{"team_ids lists an undeclared team", func(e *es.GameStarted) { e.TeamIDs = []string{"t1", "t2", "t3"} }, "team_ids"},
		{"team_ids misses a team", func(e *es.GameStarted) { e.TeamIDs = []string{"t1"} }, "team_ids"},
		{"player_ids empty", func(e *es.GameStarted) { e.PlayerIDs = []string{} }, "player_ids"},
		{"player_ids repeats a player", func(e *es.GameStarted) { e.PlayerIDs = append(e.PlayerIDs, "p1") }, "player_ids"},
		{"player_ids misses a member", func(e *es.GameStarted) { e.PlayerIDs = []string{"p1", "p2", "p3"} }, "player_ids"},
		{"config.rounds_required negative", func(e *es.GameStarted) { e.Config.RoundsRequired = -1 }, "config.rounds_required"},
		{"config.success_threshold negative", func(e *es.GameStarted) { e.Config.SuccessThreshold = -1 }, "config.success_threshold"},
		{"config.round_duration_seconds negative", func(e *es.GameStarted) { e.Config.RoundDurationSeconds = -1 }, "config.round_duration_seconds"},
		{"config.elimination_guess_limit negative", func(e *es.GameStarted) { e.Config.EliminationGuessLimit = -1 }, "config.elimination_guess_limit"},
		{"config.time_limit negative", func(e *es.GameStarted) { e.Config.TimeLimit = -1 }, "config.time_limit"},
		{"started_at zero", func(e *es.GameStarted) { e.StartedAt = time.Time{} }, "started_at"},
		{"started_at in the future", func(e *es.GameStarted) { e.StartedAt = now.Add(time.Millisecond) }, "started_at"},
	})
	runRules(t, validTwoPlayerStarted, []rule[*es.GameStarted]{
		{"two_player valid", func(*es.GameStarted) {}, ""},
		{"two_player team of one", func(e *es.GameStarted) { e.Teams["t1"] = []string{"p1"} }, "teams.t1"},
		{"two_player team of three", func(e *es.GameStarted) {
			e.Teams["t1"] = append(e.Teams["t1"], "p3")
			e.PlayerIDs = append(e.PlayerIDs, "p3")
		}, "teams.t1"},
	})
}

func TestRoundStarted_Validate(t *testing.T) {
	state := func(e *es.RoundStarted, f func(*es.TeamState)) {
		s := e.TeamStates["t1"]
		f(&s)
		e.TeamStates["t1"] = s
	}
	runRules(t, validRoundStarted, []rule[*es.RoundStarted]{
		{"valid", func(*es.RoundStarted) {}, ""},
		{"team_states nil", func(e *es.RoundStarted) { e.TeamStates = nil }, "team_states"},
		{"team_states empty", func(e *es.RoundStarted) { e.TeamStates = map[string]es.TeamState{} }, "team_states"},
		{"team id empty", func(e *es.RoundStarted) { e.TeamStates[""] = es.TeamState{} }, "team_states"},
		{"team_id differs from key", func(e *es.RoundStarted) { state(e, func(s *es.TeamState) { s.TeamID = "t9" }) }, "team_states.t1.team_id"},
		{"matches negative", func(e *es.RoundStarted) { state(e, func(s *es.TeamState) { s.Matches = -1 }) }, "team_states.t1.matches"},
		{"total_guesses negative", func(e *es.RoundStarted) { state(e, func(s *es.TeamState) { s.TotalGuesses = -1 }) }, "team_states.t1.total_guesses"},
		{"average_guesses negative", func(e *es.RoundStarted) { state(e, func(s *es.TeamState) { s.AverageGuesses = -0.5 }) }, "team_states.t1.average_guesses"},
		{"remaining_guesses negative", func(e *es.RoundStarted) { state(e, func(s *es.TeamState) { s.RemainingGuesses = -1 }) }, "team_states.t1.remaining_guesses"},
		{"keys checked in order", func(e *es.RoundStarted) {
			e.TeamStates["t0"] = es.TeamState{TeamID: "t0", Matches: -1}
			state(e, func(s *es.TeamState) { s.TeamID = "x" })
		}, "team_states.t0.matches"},
	})
}

func TestGuessProcessed_Validate(t *testing.T) {
	runRules(t, validGuessProcessed, []rule[*es.GuessProcessed]{
		{"valid", func(*es.GuessProcessed) {}, ""},
		{"valid miss", func(e *es.GuessProcessed) { e.GuessSuccessful, e.MatchScore, e.Player2Word = false, nil, "pear" }, ""},
		{"empty words", func(e *es.GuessProcessed) { e.Player1Word, e.Player2Word = "", "" }, ""},
		{"team_id empty", func(e *es.GuessProcessed) { e.TeamID = "" }, "team_id"},
		{"player1_id empty", func(e *es.GuessProcessed) { e.Player1ID = "" }, "player1_id"},
		{"player2_id empty", func(e *es.GuessProcessed) { e.Player2ID = "" }, "player2_id"},
		{"same players", func(e *es.GuessProcessed) { e.Player2ID = "p1" }, "player2_id"},
		{"match_score null when successful", func(e *es.GuessProcessed) { e.MatchScore = nil }, "match_score"},
		{"match_score zero when successful", func(e *es.GuessProcessed) { e.MatchScore = intp(0) }, "match_score"},
		{"match_score set when failed", func(e *es.GuessProcessed) { e.GuessSuccessful = false }, "match_score"},
		{"guess_count zero", func(e *es.GuessProcessed) { e.GuessCount = 0 }, "guess_count"},
		{"round_guess_count zero", func(e *es.GuessProcessed) { e.RoundGuessCount = 0 }, "round_guess_count"},
		{"total_guesses zero", func(e *es.GuessProcessed) { e.TotalGuesses = 0 }, "total_guesses"},
		{"guess_duration negative", func(e *es.GuessProcessed) { e.GuessDuration = -1 }, "guess_duration"},
		{"player1_duration negative", func(e *es.GuessProcessed) { e.Player1Duration = -1 }, "player1_duration"},
		{"player2_duration negative", func(e *es.GuessProcessed) { e.Player2Duration = -1 }, "player2_duration"},
		{"zero durations", func(e *es.GuessProcessed) { e.GuessDuration, e.Player1Duration, e.Player2Duration = 0, 0, 0 }, ""},
	})
}

func TestGuessAbandoned_Validate(t *testing.T) {
	runRules(t, validGuessAbandoned, []rule[*es.GuessAbandoned]{
		{"valid", func(*es.GuessAbandoned) {}, ""},
		{"no last guess, no duration", func(e *es.GuessAbandoned) { e.LastGuess, e.GuessDuration = nil, nil }, ""},
		{"team_id empty", func(e *es.GuessAbandoned) { e.TeamID = "" }, "team_id"},
		{"player1_id empty", func(e *es.GuessAbandoned) { e.Player1ID = "" }, "player1_id"},
		{"player2_id empty", func(e *es.GuessAbandoned) { e.Player2ID = "" }, "player2_id"},
		{"abandoning_player_id empty", func(e *es.GuessAbandoned) { e.AbandoningPlayerID = "" }, "abandoning_player_id"},
		{"abandoning player not playing", func(e *es.GuessAbandoned) { e.AbandoningPlayerID = "p3" }, "abandoning_player_id"},
		{"reason empty", func(e *es.GuessAbandoned) { e.Reason = "" }, "reason"},
		{"reason unknown", func(e *es.GuessAbandoned) { e.Reason = "bored" }, "reason"},
		{"reason player_quit", func(e *es.GuessAbandoned) { e.Reason = es.AbandonPlayerQuit }, ""},
		{"reason disconnected", func(e *es.GuessAbandoned) { e.Reason = es.AbandonDisconnected }, ""},
		{"last_guess.player_id empty", func(e *es.GuessAbandoned) { e.LastGuess.PlayerID = "" }, "last_guess.player_id"},
		{"last_guess.word empty", func(e *es.GuessAbandoned) { e.LastGuess.Word = "" }, "last_guess.word"},
		{"last_guess.timestamp zero", func(e *es.GuessAbandoned) { e.LastGuess.Timestamp = time.Time{} }, "last_guess.timestamp"},
		{"last_guess by another player", func(e *es.GuessAbandoned) { e.LastGuess.PlayerID = "p3" }, "last_guess.player_id"},
		{"guess_count zero", func(e *es.GuessAbandoned) { e.GuessCount = 0 }, "guess_count"},
		{"round_guess_count zero", func(e *es.GuessAbandoned) { e.RoundGuessCount = 0 }, "round_guess_count"},
		{"total_guesses zero", func(e *es.GuessAbandoned) { e.TotalGuesses = 0 }, "total_guesses"},
		{"guess_duration negative", func(e *es.GuessAbandoned) { e.GuessDuration = intp(-1) }, "guess_duration"},
		{"guess_duration zero", func(e *es.GuessAbandoned) { e.GuessDuration = intp(0) }, ""},
	})
}

func TestTeamEliminated_Validate(t *testing.T) {
	player := func(e *es.TeamEliminated, f func(*es.PlayerStats)) {
		s := e.PlayerStats["p2"]
		f(&s)
		e.PlayerStats["p2"] = s
	}
	runRules(t, validTeamEliminated, []rule[*es.TeamEliminated]{
		{"valid", func(*es.TeamEliminated) {}, ""},
		{"player_stats nil", func(e *es.TeamEliminated) { e.PlayerStats = nil }, ""},
		{"negative final_score", func(e *es.TeamEliminated) { e.FinalScore = -3 }, ""},
		{"team_id empty", func(e *es.TeamEliminated) { e.TeamID = "" }, "team_id"},
		{"reason unknown", func(e *es.TeamEliminated) { e.Reason = "bored" }, "reason"},
		{"reason timeout", func(e *es.TeamEliminated) { e.Reason = es.EliminationTimeout }, ""},
		{"reason forfeit", func(e *es.TeamEliminated) { e.Reason = es.EliminationForfeit }, ""},
		{"reason max_guesses", func(e *es.TeamEliminated) { e.Reason = es.EliminationMaxGuesses }, ""},
		{"final_state.team_id differs", func(e *es.TeamEliminated) { e.FinalState.TeamID = "t1" }, "final_state.team_id"},
		{"final_state.matches negative", func(e *es.TeamEliminated) { e.FinalState.Matches = -1 }, "final_state.matches"},
		{"final_state.total_guesses negative", func(e *es.TeamEliminated) { e.FinalState.TotalGuesses = -1 }, "final_state.total_guesses"},
		{"player id empty", func(e *es.TeamEliminated) { e.PlayerStats[""] = es.PlayerStats{} }, "player_stats"},
		{"total_guesses negative", func(e *es.TeamEliminated) { player(e, func(s *es.PlayerStats) { s.TotalGuesses = -1 }) }, "player_stats.p2.total_guesses"},
		{"successful_matches negative", func(e *es.TeamEliminated) { player(e, func(s *es.PlayerStats) { s.SuccessfulMatches = -1 }) }, "player_stats.p2.successful_matches"},
		{"abandoned_guesses negative", func(e *es.TeamEliminated) { player(e, func(s *es.PlayerStats) { s.AbandonedGuesses = -1 }) }, "player_stats.p2.abandoned_guesses"},
		{"average_guess_count negative", func(e *es.TeamEliminated) { player(e, func(s *es.PlayerStats) { s.AverageGuessCount = -0.1 }) }, "player_stats.p2.average_guess_count"},
	})
}

func TestGameCompleted_Validate(t *testing.T) {
	score := func(e *es.GameCompleted, f func(*es.TeamScore)) {
		s := e.FinalScores["t1"]
		f(&s)
		e.FinalScores["t1"] = s
	}
	runRules(t, validGameCompleted, []rule[*es.GameCompleted]{
		{"valid", func(*es.GameCompleted) {}, ""},
		{"no winners", func(e *es.GameCompleted) { e.Winners = nil }, ""},
		{"empty winners", func(e *es.GameCompleted) { e.Winners = set() }, ""},
		{"negative average", func(e *es.GameCompleted) { score(e, func(s *es.TeamScore) { s.AverageGuesses = -1 }) }, ""},
		{"winner without a score", func(e *es.GameCompleted) { e.Winners.Add("t3") }, "winners"},
		{"winners before final_scores", func(e *es.GameCompleted) { e.Winners.Add("t3"); e.FinalScores = nil }, "winners"},
		{"final_scores nil", func(e *es.GameCompleted) { e.Winners, e.FinalScores = nil, nil }, "final_scores"},
		{"team id empty", func(e *es.GameCompleted) { e.FinalScores[""] = es.TeamScore{} }, "final_scores"},
		{"matches negative", func(e *es.GameCompleted) { score(e, func(s *es.TeamScore) { s.Matches = -1 }) }, "final_scores.t1.matches"},
		{"total_guesses negative", func(e *es.GameCompleted) { score(e, func(s *es.TeamScore) { s.TotalGuesses = -1 }) }, "final_scores.t1.total_guesses"},
		{"average NaN", func(e *es.GameCompleted) { score(e, func(s *es.TeamScore) { s.AverageGuesses = math.NaN() }) }, "final_scores.t1.average_guesses"},
		{"player stats", func(e *es.GameCompleted) {
			score(e, func(s *es.TeamScore) { s.PlayerStats["p1"] = es.PlayerStats{TotalGuesses: -1} })
		}, "final_scores.t1.player_stats.p1.total_guesses"},
		{"game_duration negative", func(e *es.GameCompleted) { e.GameDuration = -1 }, "game_duration"},
		{"total_rounds zero", func(e *es.GameCompleted) { e.TotalRounds = 0 }, "total_rounds"},
		{"finished_at zero", func(e *es.GameCompleted) { e.FinishedAt = time.Time{} }, "finished_at"},
		{"finished_at after timestamp", func(e *es.GameCompleted) { e.FinishedAt = t0.Add(time.Microsecond) }, "finished_at"},
		{"finished_at in timestamp's microsecond", func(e *es.GameCompleted) { e.FinishedAt = t0.Add(999 * time.Nanosecond) }, ""},
		{"finished_at before timestamp", func(e *es.GameCompleted) { e.FinishedAt = t0.Add(-time.Hour) }, ""},
	})
}

func TestKnockoutRoundCompleted_Validate(t *testing.T) {
	runRules(t, validKnockoutRoundCompleted, []rule[*es.KnockoutRoundCompleted]{
		{"valid", func(*es.KnockoutRoundCompleted) {}, ""},
		{"no teams", func(e *es.KnockoutRoundCompleted) { e.EliminatedTeams, e.AdvancingTeams = nil, nil }, ""},
		{"mode not knockout", func(e *es.KnockoutRoundCompleted) { e.Mode = es.ModeRace }, "mode"},
		{"mode rule before metadata", func(e *es.KnockoutRoundCompleted) { e.Mode, e.Metadata = es.ModeRace, es.Metadata{} }, "mode"},
		{"eliminated team_id empty", func(e *es.KnockoutRoundCompleted) { e.EliminatedTeams[0].TeamID = "" }, "eliminated_teams.0.team_id"},
		{"eliminated twice", func(e *es.KnockoutRoundCompleted) {
			e.EliminatedTeams = append(e.EliminatedTeams, e.EliminatedTeams[0])
		}, "eliminated_teams.1.team_id"},
		{"eliminated reason unknown", func(e *es.KnockoutRoundCompleted) { e.EliminatedTeams[0].Reason = "x" }, "eliminated_teams.0.reason"},
		{"eliminated player stats", func(e *es.KnockoutRoundCompleted) {
			e.EliminatedTeams[0].PlayerStats["p1"] = es.PlayerStats{AverageGuessCount: math.Inf(1)}
		}, "eliminated_teams.0.player_stats.p1.average_guess_count"},
		{"advancing team_id empty", func(e *es.KnockoutRoundCompleted) { e.AdvancingTeams[0].TeamID = "" }, "advancing_teams.0.team_id"},
		{"advancing twice", func(e *es.KnockoutRoundCompleted) {
			e.AdvancingTeams = append(e.AdvancingTeams, e.AdvancingTeams[0])
		}, "advancing_teams.1.team_id"},
		{"advancing and eliminated", func(e *es.KnockoutRoundCompleted) { e.AdvancingTeams[0].TeamID = "t2" }, "advancing_teams.0.team_id"},
		{"advancing matches negative", func(e *es.KnockoutRoundCompleted) { e.AdvancingTeams[0].Matches = -1 }, "advancing_teams.0.matches"},
		{"advancing total_guesses negative", func(e *es.KnockoutRoundCompleted) { e.AdvancingTeams[0].TotalGuesses = -1 }, "advancing_teams.0.total_guesses"},
		{"round_duration negative", func(e *es.KnockoutRoundCompleted) { e.RoundDuration = -1 }, "round_duration"},
	})
}

func TestRaceModeTimeExpired_Validate(t *testing.T) {
	team := func(e *es.RaceModeTimeExpired, f func(*es.TeamMatches)) {
		m := e.FinalMatches["t1"]
		f(&m)
		e.FinalMatches["t1"] = m
	}
	runRules(t, validRaceModeTimeExpired, []rule[*es.RaceModeTimeExpired]{
		{"valid", func(*es.RaceModeTimeExpired) {}, ""},
		{"mode not race", func(e *es.RaceModeTimeExpired) { e.Mode = es.ModeKnockout }, "mode"},
		{"final_matches nil", func(e *es.RaceModeTimeExpired) { e.FinalMatches = nil }, "final_matches"},
		{"team id empty", func(e *es.RaceModeTimeExpired) { e.FinalMatches[""] = es.TeamMatches{} }, "final_matches"},
		{"matches negative", func(e *es.RaceModeTimeExpired) { team(e, func(m *es.TeamMatches) { m.Matches = -1 }) }, "final_matches.t1.matches"},
		{"total_guesses negative", func(e *es.RaceModeTimeExpired) { team(e, func(m *es.TeamMatches) { m.TotalGuesses = -1 }) }, "final_matches.t1.total_guesses"},
		{"average infinite", func(e *es.RaceModeTimeExpired) { team(e, func(m *es.TeamMatches) { m.AverageGuesses = math.Inf(-1) }) }, "final_matches.t1.average_guesses"},
		{"player stats", func(e *es.RaceModeTimeExpired) {
			team(e, func(m *es.TeamMatches) { m.PlayerStats["p2"] = es.PlayerStats{SuccessfulMatches: -2} })
		}, "final_matches.t1.player_stats.p2.successful_matches"},
		{"game_duration negative", func(e *es.RaceModeTimeExpired) { e.GameDuration = -1 }, "game_duration"},
	})
}
