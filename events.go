package eventstore

import "time"

// Mode is a GameBot game mode. Its JSON form is the string value.
type Mode string

// The three game modes. Any other value is invalid event data.
const (
	// ModeTwoPlayer is one team of exactly two players playing a number
	// of rounds.
	ModeTwoPlayer Mode = "two_player"
	// ModeKnockout is two or more teams; the weakest team of each round is
	// eliminated until one remains.
	ModeKnockout Mode = "knockout"
	// ModeRace is two or more teams matching as many words as they can
	// before the time limit.
	ModeRace Mode = "race"
)

// Valid reports whether m is one of the three modes.
func (m Mode) Valid() bool {
	return m == ModeTwoPlayer || m == ModeKnockout || m == ModeRace
}

// The registered type names of the eight GameBot events.
const (
	TypeGameStarted            = "game_started"
	TypeRoundStarted           = "round_started"
	TypeGuessProcessed         = "guess_processed"
	TypeGuessAbandoned         = "guess_abandoned"
	TypeTeamEliminated         = "team_eliminated"
	TypeGameCompleted          = "game_completed"
	TypeKnockoutRoundCompleted = "knockout_round_completed"
	TypeRaceModeTimeExpired    = "race_mode_time_expired"
)

// gameEventFactories returns the constructors of the eight GameBot events,
// all at schema version 1. DefaultRegistry registers them.
func gameEventFactories() []func() Event {
	return []func() Event{
		func() Event { return new(GameStarted) },
		func() Event { return new(RoundStarted) },
		func() Event { return new(GuessProcessed) },
		func() Event { return new(GuessAbandoned) },
		func() Event { return new(TeamEliminated) },
		func() Event { return new(GameCompleted) },
		func() Event { return new(KnockoutRoundCompleted) },
		func() Event { return new(RaceModeTimeExpired) },
	}
}

// Base holds the fields every GameBot event shares. It is embedded in each
// event type. Metadata is not part of the event's data JSON: the store keeps
// it in its own column and puts it back on read (see MetadataCarrier).
//
// Timestamp is encoded as UTC with microseconds (see TimeLayout); the JSON
// methods live on the event types, since a method on Base would be promoted
// to them and swallow their own fields.
type Base struct {
	GameID      string    `json:"game_id"`      // the game, also its stream id
	GuildID     string    `json:"guild_id"`     // the Discord guild (a snowflake as text)
	Mode        Mode      `json:"mode"`         // the game's mode
	RoundNumber int       `json:"round_number"` // 1 for the first round
	Timestamp   time.Time `json:"timestamp"`    // when it happened, UTC
	Metadata    Metadata  `json:"-"`            // stored apart from the data
}

// EventMetadata returns a pointer to the event's metadata; it implements
// MetadataCarrier for every GameBot event.
func (b *Base) EventMetadata() *Metadata { return &b.Metadata }

// EventGuildID returns the event's guild id; it implements GuildScoped for
// every GameBot event.
func (b *Base) EventGuildID() string { return b.GuildID }

// GameConfig is the mode's settings, chosen at game start. Every field is
// optional: zero means the mode's default (see WithDefaults).
type GameConfig struct {
	RoundsRequired        int `json:"rounds_required,omitempty"`         // two_player, default 5
	SuccessThreshold      int `json:"success_threshold,omitempty"`       // two_player, default 4
	RoundDurationSeconds  int `json:"round_duration_seconds,omitempty"`  // knockout, default 300
	EliminationGuessLimit int `json:"elimination_guess_limit,omitempty"` // knockout, default 12
	TimeLimit             int `json:"time_limit,omitempty"`              // race, seconds, default 180
}

// Defaults of GameConfig by mode.
const (
	DefaultRoundsRequired        = 5
	DefaultSuccessThreshold      = 4
	DefaultRoundDurationSeconds  = 300
	DefaultEliminationGuessLimit = 12
	DefaultTimeLimit             = 180
)

// WithDefaults returns c with every zero field of mode m set to its default.
// Fields of other modes, and all fields for an invalid mode, are left as
// they are.
func (c GameConfig) WithDefaults(m Mode) GameConfig {
	orDefault := func(v, d int) int {
		if v == 0 {
			return d
		}
		return v
	}
	switch m {
	case ModeTwoPlayer:
		c.RoundsRequired = orDefault(c.RoundsRequired, DefaultRoundsRequired)
		c.SuccessThreshold = orDefault(c.SuccessThreshold, DefaultSuccessThreshold)
	case ModeKnockout:
		c.RoundDurationSeconds = orDefault(c.RoundDurationSeconds, DefaultRoundDurationSeconds)
		c.EliminationGuessLimit = orDefault(c.EliminationGuessLimit, DefaultEliminationGuessLimit)
	case ModeRace:
		c.TimeLimit = orDefault(c.TimeLimit, DefaultTimeLimit)
	}
	return c
}

// AbandonReason says why a guess was abandoned.
type AbandonReason string

// The reasons of GuessAbandoned.
const (
	AbandonTimeout      AbandonReason = "timeout"
	AbandonPlayerQuit   AbandonReason = "player_quit"
	AbandonDisconnected AbandonReason = "disconnected"
)

// Valid reports whether r is one of the abandon reasons.
func (r AbandonReason) Valid() bool {
	return r == AbandonTimeout || r == AbandonPlayerQuit || r == AbandonDisconnected
}

// EliminationReason says why a team was eliminated.
type EliminationReason string

// The reasons of TeamEliminated and EliminatedTeam.
const (
	EliminationTimeout    EliminationReason = "timeout"
	EliminationMaxGuesses EliminationReason = "max_guesses"
	EliminationRoundLoss  EliminationReason = "round_loss"
	EliminationForfeit    EliminationReason = "forfeit"
)

// Valid reports whether r is one of the elimination reasons.
func (r EliminationReason) Valid() bool {
	switch r {
	case EliminationTimeout, EliminationMaxGuesses, EliminationRoundLoss, EliminationForfeit:
		return true
	}
	return false
}

// PlayerStats is one player's tally, kept per player id in several events.
type PlayerStats struct {
	TotalGuesses      int     `json:"total_guesses"`       // ≥ 0
	SuccessfulMatches int     `json:"successful_matches"`  // ≥ 0
	AbandonedGuesses  int     `json:"abandoned_guesses"`   // ≥ 0
	AverageGuessCount float64 `json:"average_guess_count"` // ≥ 0
}
