package eventstore

import "time"

// The eight GameBot events, all at schema version 1. Each embeds Base and is
// used as a pointer: *T implements Event, Validator (events_validate.go),
// MetadataCarrier and GuildScoped. Their JSON forms are in events_json.go.

// GameStarted opens a game: its teams, players and configuration.
type GameStarted struct {
	Base
	Teams     map[string][]string `json:"teams"`      // team id → its player ids
	TeamIDs   []string            `json:"team_ids"`   // the teams, in turn order
	PlayerIDs []string            `json:"player_ids"` // every player, in join order
	Config    GameConfig          `json:"config"`     // zero fields mean mode defaults
	StartedAt time.Time           `json:"started_at"` // UTC
}

// RoundStarted opens a round with the state of every active team.
type RoundStarted struct {
	Base
	TeamStates map[string]TeamState `json:"team_states"` // team id → its state
}

// TeamState is a team's state at the start of a round.
type TeamState struct {
	TeamID            string      `json:"team_id"`
	ActivePlayers     Set[string] `json:"active_players"`
	EliminatedPlayers Set[string] `json:"eliminated_players"`
	Score             int         `json:"score"`
	Matches           int         `json:"matches"`           // ≥ 0
	TotalGuesses      int         `json:"total_guesses"`     // ≥ 0
	AverageGuesses    float64     `json:"average_guesses"`   // ≥ 0
	RemainingGuesses  int         `json:"remaining_guesses"` // ≥ 0
}

// GuessProcessed is one guess of a team: both players' words and whether
// they matched. A race-mode give-up is an unsuccessful guess whose word is
// "give up".
type GuessProcessed struct {
	Base
	TeamID          string `json:"team_id"`
	Player1ID       string `json:"player1_id"`
	Player2ID       string `json:"player2_id"`
	Player1Word     string `json:"player1_word"`
	Player2Word     string `json:"player2_word"`
	GuessSuccessful bool   `json:"guess_successful"`
	MatchScore      *int   `json:"match_score"`       // > 0 when successful, nil when not
	GuessCount      int    `json:"guess_count"`       // attempts at the current match, > 0
	RoundGuessCount int    `json:"round_guess_count"` // the team's guesses this round, > 0
	TotalGuesses    int    `json:"total_guesses"`     // the team's guesses this game, > 0
	GuessDuration   int    `json:"guess_duration"`    // ms, ≥ 0
	Player1Duration int    `json:"player1_duration"`  // ms, ≥ 0
	Player2Duration int    `json:"player2_duration"`  // ms, ≥ 0
}

// GuessAbandoned is a guess that one player gave up on or timed out.
type GuessAbandoned struct {
	Base
	TeamID             string        `json:"team_id"`
	Player1ID          string        `json:"player1_id"`
	Player2ID          string        `json:"player2_id"`
	AbandoningPlayerID string        `json:"abandoning_player_id"` // one of the two players
	Reason             AbandonReason `json:"reason"`
	LastGuess          *LastGuess    `json:"last_guess"` // nil when nobody had guessed
	GuessCount         int           `json:"guess_count"`
	RoundGuessCount    int           `json:"round_guess_count"`
	TotalGuesses       int           `json:"total_guesses"`
	GuessDuration      *int          `json:"guess_duration"` // ms, nil when unknown
}

// LastGuess is the last word given before a guess was abandoned.
type LastGuess struct {
	PlayerID  string    `json:"player_id"`
	Word      string    `json:"word"`
	Timestamp time.Time `json:"timestamp"` // UTC
}

// TeamEliminated removes a team from the game.
type TeamEliminated struct {
	Base
	TeamID      string                 `json:"team_id"`
	Reason      EliminationReason      `json:"reason"`
	FinalState  TeamInfo               `json:"final_state"`
	FinalScore  int                    `json:"final_score"`
	PlayerStats map[string]PlayerStats `json:"player_stats"` // player id → stats; may be empty
}

// TeamInfo is a team's final state in TeamEliminated.
type TeamInfo struct {
	TeamID       string   `json:"team_id"`
	PlayerIDs    []string `json:"player_ids"`
	Score        int      `json:"score"`
	Matches      int      `json:"matches"`       // ≥ 0
	TotalGuesses int      `json:"total_guesses"` // ≥ 0
}

// GameCompleted closes a game with its winners and final scores.
type GameCompleted struct {
	Base
	Winners      Set[string]          `json:"winners"`       // team ids; empty for a lost two_player game
	FinalScores  map[string]TeamScore `json:"final_scores"`  // team id → final score
	GameDuration int                  `json:"game_duration"` // seconds, ≥ 0
	TotalRounds  int                  `json:"total_rounds"`  // ≥ 1
	FinishedAt   time.Time            `json:"finished_at"`   // UTC, not after Timestamp
}

// TeamScore is a team's result in GameCompleted.
type TeamScore struct {
	Score          int                    `json:"score"`
	Matches        int                    `json:"matches"`       // ≥ 0
	TotalGuesses   int                    `json:"total_guesses"` // ≥ 0
	AverageGuesses float64                `json:"average_guesses"`
	PlayerStats    map[string]PlayerStats `json:"player_stats"`
}

// KnockoutRoundCompleted closes a knockout round: who is out, who goes on.
type KnockoutRoundCompleted struct {
	Base
	EliminatedTeams []EliminatedTeam `json:"eliminated_teams"`
	AdvancingTeams  []AdvancingTeam  `json:"advancing_teams"`
	RoundDuration   int              `json:"round_duration"` // seconds, ≥ 0
}

// EliminatedTeam is a team knocked out in a KnockoutRoundCompleted.
type EliminatedTeam struct {
	TeamID      string                 `json:"team_id"`
	Reason      EliminationReason      `json:"reason"`
	FinalScore  int                    `json:"final_score"`
	PlayerStats map[string]PlayerStats `json:"player_stats"`
}

// AdvancingTeam is a team going on after a KnockoutRoundCompleted.
type AdvancingTeam struct {
	TeamID       string `json:"team_id"`
	Score        int    `json:"score"`
	Matches      int    `json:"matches"`       // ≥ 0
	TotalGuesses int    `json:"total_guesses"` // ≥ 0
}

// RaceModeTimeExpired ends the guessing of a race game.
type RaceModeTimeExpired struct {
	Base
	FinalMatches map[string]TeamMatches `json:"final_matches"` // team id → result
	GameDuration int                    `json:"game_duration"` // seconds, ≥ 0
}

// TeamMatches is a team's result in RaceModeTimeExpired.
type TeamMatches struct {
	Matches            int                    `json:"matches"`       // ≥ 0
	TotalGuesses       int                    `json:"total_guesses"` // ≥ 0
	AverageGuesses     float64                `json:"average_guesses"`
	LastMatchTimestamp *time.Time             `json:"last_match_timestamp"` // nil when no match yet
	PlayerStats        map[string]PlayerStats `json:"player_stats"`
}

// EventType returns "game_started".
func (*GameStarted) EventType() string { return TypeGameStarted }

// EventType returns "round_started".
func (*RoundStarted) EventType() string { return TypeRoundStarted }

// EventType returns "guess_processed".
func (*GuessProcessed) EventType() string { return TypeGuessProcessed }

// EventType returns "guess_abandoned".
func (*GuessAbandoned) EventType() string { return TypeGuessAbandoned }

// EventType returns "team_eliminated".
func (*TeamEliminated) EventType() string { return TypeTeamEliminated }

// EventType returns "game_completed".
func (*GameCompleted) EventType() string { return TypeGameCompleted }

// EventType returns "knockout_round_completed".
func (*KnockoutRoundCompleted) EventType() string { return TypeKnockoutRoundCompleted }

// EventType returns "race_mode_time_expired".
func (*RaceModeTimeExpired) EventType() string { return TypeRaceModeTimeExpired }

// EventVersion returns 1.
func (*GameStarted) EventVersion() int { return 1 }

// EventVersion returns 1.
func (*RoundStarted) EventVersion() int { return 1 }

// EventVersion returns 1.
func (*GuessProcessed) EventVersion() int { return 1 }

// EventVersion returns 1.
func (*GuessAbandoned) EventVersion() int { return 1 }

// EventVersion returns 1.
func (*TeamEliminated) EventVersion() int { return 1 }

// EventVersion returns 1.
func (*GameCompleted) EventVersion() int { return 1 }

// EventVersion returns 1.
func (*KnockoutRoundCompleted) EventVersion() int { return 1 }

// EventVersion returns 1.
func (*RaceModeTimeExpired) EventVersion() int { return 1 }
