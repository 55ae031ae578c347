// Package gamesim plays deterministic GameBot games and returns their
// events, for tests, golden files and benchmarks of the event store.
//
// The same Config always gives the same events, metadata ids included:
// every random choice, player id, message id and event id (UUID version 7,
// its time taken from the event's timestamp) comes from a math/rand/v2
// source seeded with Config.Seed. Every event passes its Validate at any
// clock not before the game's last timestamp, and the events form a
// well-formed game stream (EVENTS.md, "Streams of a game"; see Check).
package gamesim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/gamebot/eventstore"
	"github.com/google/uuid"
)

// Config describes the game to play.
type Config struct {
	Seed    uint64          // selects every random choice
	Mode    eventstore.Mode // one of the three modes
	GuildID string          // required
	GameID  string          // required; the game's stream id
	Start   time.Time       // the game_started timestamp; zero is an error
	// Events is the exact number of events the game has when > 0 (for
	// long games in benchmarks, e.g. 10,000); it must be at least
	// MinEvents(Mode). Zero means a natural game of 30 to 60 events.
	Events int
}

// MinEvents returns the fewest events a game of mode m can have with
// Config.Events, or 0 for an invalid mode.
func MinEvents(m eventstore.Mode) int {
	switch m {
	case eventstore.ModeTwoPlayer:
		return minTwoPlayer
	case eventstore.ModeKnockout:
		return minKnockout
	case eventstore.ModeRace:
		return minRace
	}
	return 0
}

// ErrConfig is returned by Play for an unusable Config.
var ErrConfig = errors.New("gamesim: invalid config")

// Play plays the game cfg describes and returns its events in stream
// order, each with its metadata set (event ids included). Errors match
// ErrConfig.
func Play(cfg Config) ([]eventstore.Event, error) {
	switch {
	case !cfg.Mode.Valid():
		return nil, fmt.Errorf("%w: mode %q", ErrConfig, cfg.Mode)
	case cfg.GuildID == "" || cfg.GameID == "":
		return nil, fmt.Errorf("%w: guild and game ids are required", ErrConfig)
	case cfg.Start.IsZero():
		return nil, fmt.Errorf("%w: start time is required", ErrConfig)
	case cfg.Events < 0 || (cfg.Events > 0 && cfg.Events < MinEvents(cfg.Mode)):
		return nil, fmt.Errorf("%w: %d events; a %s game needs at least %d", ErrConfig, cfg.Events, cfg.Mode, MinEvents(cfg.Mode))
	}
	s := &sim{
		cfg: cfg,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)),
		now: eventstore.NormalizeTime(cfg.Start),
	}
	// A natural game picks its own length, from the same source.
	target := cfg.Events
	if target == 0 {
		target = 36 + s.rng.IntN(20)
	}
	switch cfg.Mode {
	case eventstore.ModeTwoPlayer:
		s.playTwoPlayer(target)
	case eventstore.ModeKnockout:
		s.playKnockout(target)
	default:
		s.playRace(target)
	}
	return s.events, nil
}

// sim is the state of one game being played.
type sim struct {
	cfg    Config
	rng    *rand.Rand
	now    time.Time // the timestamp of the next event
	round  int
	msgSeq uint64 // makes message ids of the same millisecond distinct
	corr   string // the game's correlation id
	events []eventstore.Event
	teams  []*team // in turn order
}

// team is a team's running tally.
type team struct {
	id           string
	players      [2]string
	score        int
	matches      int
	total        int // guesses this game
	roundGuesses int // guesses this round
	roundMatches int // matches this round
	sinceMatch   int // guesses since the team's last match
	eliminated   bool
	lastMatch    *time.Time
	stats        map[string]*eventstore.PlayerStats
}

// discordEpoch is the start of Discord snowflake time, in Unix ms.
const discordEpoch = 1420070400000

// snowflake returns a Discord-like id for the current time.
func (s *sim) snowflake() string {
	s.msgSeq++
	ms := uint64(max(s.now.UnixMilli()-discordEpoch, 0))
	return strconv.FormatUint(ms<<22|(s.msgSeq&0xfff), 10)
}

// playerID returns a random Discord-like user id.
func (s *sim) playerID() string {
	return strconv.FormatUint(100000000000000000+s.rng.Uint64N(900000000000000000), 10)
}

// uuidV7 returns a version 7 UUID with the current time and seeded bits.
func (s *sim) uuidV7() string {
	// RFC 9562 layout: 48 bits of Unix milliseconds, version, 74 random
	// bits, variant. uuid.NewV7 would read the wall clock.
	var u uuid.UUID
	ms := uint64(s.now.UnixMilli())
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	r1, r2 := s.rng.Uint64(), s.rng.Uint64()
	for i := range 8 {
		u[8+i] = byte(r2 >> (56 - 8*i))
	}
	u[6] = 0x70 | byte(r1>>8)&0x0f // version 7
	u[7] = byte(r1)
	u[8] = 0x80 | u[8]&0x3f // RFC 4122 variant
	return u.String()
}

// tick moves the clock forward by a random duration in [lo, hi] seconds,
// at millisecond precision.
func (s *sim) tick(lo, hi int) {
	ms := lo*1000 + s.rng.IntN((hi-lo)*1000+1)
	s.now = s.now.Add(time.Duration(ms) * time.Millisecond)
}

// base returns the base fields of the next event.
func (s *sim) base() eventstore.Base {
	return eventstore.Base{
		GameID:      s.cfg.GameID,
		GuildID:     s.cfg.GuildID,
		Mode:        s.cfg.Mode,
		RoundNumber: max(s.round, 1),
		Timestamp:   s.now,
	}
}

// emit appends e with metadata following parent (nil for the first event)
// and acted by actor ("" for the bot), and returns e's metadata.
func (s *sim) emit(e eventstore.Event, parent *eventstore.Metadata, actor string) *eventstore.Metadata {
	md := e.(eventstore.MetadataCarrier).EventMetadata()
	// The first event opens the chain; every other one follows a parent.
	if parent == nil {
		s.corr = s.uuidV7()
		*md = eventstore.Metadata{SourceID: s.snowflake(), CorrelationID: s.corr, GuildID: s.cfg.GuildID}
	} else {
		*md = parent.FollowUp(s.snowflake())
	}
	md.ActorID = actor
	md.EventID = s.uuidV7()
	s.events = append(s.events, e)
	return md
}
