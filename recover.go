package eventstore

import (
	"context"
	"errors"
	"time"
)

// GameStateSchemaVersion is the schema version of GameState's JSON form. A
// snapshot of a GameState taken under another schema version must not be
// resumed from; recover from the stream instead.
const GameStateSchemaVersion = 1

// GameStatus is whether a game is still being played.
type GameStatus string

// The statuses of a recovered game.
const (
	// GameStatusActive is a game that has started and not completed.
	GameStatusActive GameStatus = "active"
	// GameStatusCompleted is a game whose game_completed event was folded.
	GameStatusCompleted GameStatus = "completed"
)

// GameState is a game as recovered from its stream: who plays, how far it
// got and who won. Its JSON form is deterministic (maps are encoded with
// sorted keys, sets as sorted arrays), so a state can be stored as a
// snapshot and compared byte for byte.
//
// A GameState is not safe for concurrent use.
type GameState struct {
	GameID  string     `json:"game_id"`
	GuildID string     `json:"guild_id"`
	Mode    Mode       `json:"mode"`
	Status  GameStatus `json:"status"`

	Teams     map[string][]string `json:"teams"`      // team id → its player ids, as in game_started
	TeamIDs   []string            `json:"team_ids"`   // the teams in turn order
	PlayerIDs []string            `json:"player_ids"` // every player in join order
	Config    GameConfig          `json:"config"`     // with the mode's defaults applied

	Round           int                      `json:"round"`            // the highest round number seen
	Progress        map[string]*TeamProgress `json:"progress"`         // team id → its tally
	EliminatedTeams Set[string]              `json:"eliminated_teams"` // teams out of the game
	Winners         Set[string]              `json:"winners"`          // set by game_completed
	UsedWords       Set[string]              `json:"used_words"`       // words of successful matches
	TimeExpired     bool                     `json:"time_expired"`     // race: race_mode_time_expired seen

	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"` // zero until game_completed

	Version    int64 `json:"version"`     // the stream version folded up to
	Position   int64 `json:"position"`    // the global position of that event
	EventCount int   `json:"event_count"` // events folded
}

// TeamProgress is one team's tally in a GameState.
type TeamProgress struct {
	Score     int `json:"score"`     // sum of match scores
	Matches   int `json:"matches"`   // successful guesses
	Guesses   int `json:"guesses"`   // processed and abandoned guesses
	Abandoned int `json:"abandoned"` // abandoned guesses
}

// RecoverGame folds the stream of the game gameID into a GameState.
func RecoverGame(ctx context.Context, s *Store, gameID string) (*GameState, error) {
	return nil, errors.New("eventstore: RecoverGame not implemented")
}
