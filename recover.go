package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"time"
)

// GameStateSchemaVersion is the schema version of GameState's JSON form. A
// state saved under another schema version must not be resumed from;
// recover the game from its stream instead.
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
// got and who won. The zero GameState is a game before its first event;
// Apply folds events into it one by one.
//
// Its JSON form is deterministic (map keys sorted, sets as sorted arrays,
// times in TimeLayout, zero times as null), so a state can be kept as a
// snapshot, tagged with GameStateSchemaVersion, and compared byte for
// byte. A GameState is not safe for concurrent use.
type GameState struct {
	GameID  string     `json:"game_id"`  // the game, also its stream id
	GuildID string     `json:"guild_id"` // the Discord guild
	Mode    Mode       `json:"mode"`
	Status  GameStatus `json:"status"` // "" before game_started

	Teams     map[string][]string `json:"teams"`      // team id → its player ids, as in game_started
	TeamIDs   []string            `json:"team_ids"`   // the teams in turn order
	PlayerIDs []string            `json:"player_ids"` // every player in join order
	Config    GameConfig          `json:"config"`     // with the mode's defaults applied

	Round           int                      `json:"round"`            // the highest round number seen
	Progress        map[string]*TeamProgress `json:"progress"`         // team id → its tally, for every declared team
	EliminatedTeams Set[string]              `json:"eliminated_teams"` // teams named by a team_eliminated
	Winners         Set[string]              `json:"winners"`          // set by game_completed
	UsedWords       Set[string]              `json:"used_words"`       // the words of successful matches
	ForbiddenWords  map[string]Set[string]   `json:"forbidden_words"`  // player id → the words the player has given, give-ups aside
	TimeExpired     bool                     `json:"time_expired"`     // race: race_mode_time_expired was folded

	StartedAt   time.Time `json:"started_at"`    // game_started's started_at
	FinishedAt  time.Time `json:"finished_at"`   // game_completed's finished_at; zero before
	LastEventAt time.Time `json:"last_event_at"` // the timestamp of the last event folded

	Version    int64 `json:"version"`     // the stream version folded up to; 0 for none
	Position   int64 `json:"position"`    // the global position of that event
	EventCount int   `json:"event_count"` // how many events were folded
}

// TeamProgress is one team's tally in a GameState. Guesses count processed
// and abandoned guesses alike, as the events' total_guesses do.
type TeamProgress struct {
	Score        int `json:"score"`         // the sum of its match scores
	Matches      int `json:"matches"`       // successful guesses
	Guesses      int `json:"guesses"`       // guesses this game, abandoned ones included
	Abandoned    int `json:"abandoned"`     // abandoned guesses this game
	RoundGuesses int `json:"round_guesses"` // guesses since the last round_started
	RoundMatches int `json:"round_matches"` // matches since the last round_started
}

// gameStateJSON is GameState's wire form: the times in the package's
// encoding, zero times as null. Its own time fields shadow the embedded
// ones.
type gameStateJSON struct {
	*plainGameState
	StartedAt   *jsonTime `json:"started_at"`
	FinishedAt  *jsonTime `json:"finished_at"`
	LastEventAt *jsonTime `json:"last_event_at"`
}

// plainGameState is GameState without its JSON methods.
type plainGameState GameState

func timeOrNull(t time.Time) *jsonTime {
	if t.IsZero() {
		return nil
	}
	j := jsonTime(t)
	return &j
}

func (j *jsonTime) orZero() time.Time {
	if j == nil {
		return time.Time{}
	}
	return time.Time(*j)
}

// MarshalJSON encodes the state deterministically.
func (g GameState) MarshalJSON() ([]byte, error) {
	return json.Marshal(gameStateJSON{
		plainGameState: (*plainGameState)(&g),
		StartedAt:      timeOrNull(g.StartedAt),
		FinishedAt:     timeOrNull(g.FinishedAt),
		LastEventAt:    timeOrNull(g.LastEventAt),
	})
}

// UnmarshalJSON decodes what MarshalJSON encodes.
func (g *GameState) UnmarshalJSON(b []byte) error {
	var v GameState
	w := gameStateJSON{plainGameState: (*plainGameState)(&v)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	v.StartedAt, v.FinishedAt, v.LastEventAt = w.StartedAt.orZero(), w.FinishedAt.orZero(), w.LastEventAt.orZero()
	*g = v
	return nil
}

// Clone returns a deep copy of g; a nil g gives a zero GameState.
func (g *GameState) Clone() *GameState {
	if g == nil {
		return &GameState{}
	}
	c := *g
	if g.Teams != nil {
		c.Teams = make(map[string][]string, len(g.Teams))
		for id, players := range g.Teams {
			c.Teams[id] = append([]string{}, players...)
		}
	}
	c.TeamIDs = cloneSlice(g.TeamIDs)
	c.PlayerIDs = cloneSlice(g.PlayerIDs)
	if g.Progress != nil {
		c.Progress = make(map[string]*TeamProgress, len(g.Progress))
		for id, p := range g.Progress {
			if p != nil {
				v := *p
				c.Progress[id] = &v
			}
		}
	}
	c.EliminatedTeams = maps.Clone(g.EliminatedTeams)
	c.Winners = maps.Clone(g.Winners)
	c.UsedWords = maps.Clone(g.UsedWords)
	if g.ForbiddenWords != nil {
		c.ForbiddenWords = make(map[string]Set[string], len(g.ForbiddenWords))
		for id, words := range g.ForbiddenWords {
			c.ForbiddenWords[id] = maps.Clone(words)
		}
	}
	return &c
}

// cloneSlice copies s, keeping nil nil.
func cloneSlice(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

// RecoverGame rebuilds the state of the game gameID: from the newest valid
// snapshot of its state (GameStateSchemaVersion; see SaveGameSnapshot) when
// there is one, folding in only the later events, or else from its first
// event. Every event folded is checked against the rules of a game stream
// (EVENTS.md, "Streams of a game"; see the Rule constants). It reads the
// stream in batches (StreamEvents), so memory does not grow with its
// length. A snapshot that does not decode or no longer fits the stream is
// passed over. With Options.SnapshotEvery set, a new snapshot is saved when
// at least that many events were folded after the one it started from.
//
// Errors: ErrConnection (closed store), ErrInvalidStreamID,
// ErrStreamNotFound (no events), ErrStreamDeleted (soft-deleted), and a
// *RecoveryError matching ErrCorruptStream for a missing, undecodable
// (also matching ErrDeserializationFailed) or invalid event or a broken
// rule. Transient storage failures (busy, locked, I/O) are retried with
// backoff per Options.MaxRetries and Options.RetryDelay, resuming after the
// last event folded. On error the state is nil: a partial state is never
// returned. Cancelling ctx stops it with ctx's error.
//
// RecoverGame only reads (but for the snapshot it may save); it is safe
// for concurrent use, and events appended while it runs may or may not be
// folded. To check a whole stream from its first event, use
// RecoverGameFrom with a nil state.
func RecoverGame(ctx context.Context, s *Store, gameID string) (*GameState, error) {
	from := s.loadGameSnapshot(ctx, gameID)
	g, err := RecoverGameFrom(ctx, s, gameID, from)
	if from != nil && errors.Is(err, ErrSnapshotNotFound) {
		// The snapshot no longer fits the stream: start over.
		from = nil
		g, err = RecoverGameFrom(ctx, s, gameID, nil)
	}
	if err != nil {
		return nil, err
	}
	var since int64
	if from != nil {
		since = from.Version
	}
	if every := s.opts.SnapshotEvery; every > 0 && g.Version-since >= int64(every) {
		if err := SaveGameSnapshot(ctx, s, g); err != nil {
			s.opts.Logger.Warn().Err(err).Str("stream_id", gameID).Msg("eventstore: saving a game snapshot failed")
		}
	}
	return g, nil
}

// RecoverGameFrom is RecoverGame resuming from state, a GameState of the
// same game folded up to state.Version (from a snapshot, say): only the
// events after state.Version are read and folded. state is not changed; a
// new state is returned. A nil state or one at version 0 recovers from
// the first event.
//
// state must belong to the stream as it is now: its game id must be gameID
// and the event at state.Version must still be at state.Position (a stream
// that was hard-deleted and started again is another stream). Otherwise
// the error matches ErrSnapshotNotFound, and the caller should recover
// from the start. Other errors are those of RecoverGame. Since state's
// events are not read again, their causation ids are not checked again.
func RecoverGameFrom(ctx context.Context, s *Store, gameID string, state *GameState) (*GameState, error) {
	start := time.Now()
	r := &recovery{s: s, gameID: gameID, events: s.StreamEvents, lookup: s.eventVersion}
	g, err := r.run(ctx, state)
	op := Operation{Name: "recover_game", StreamID: gameID, Events: r.folded, Retries: r.retries, Err: err}
	s.done(&op, start)
	if err != nil {
		return nil, err
	}
	return g, nil
}

// recovery is one run of RecoverGameFrom. events and lookup are the
// store's, replaced in tests.
type recovery struct {
	s       *Store
	gameID  string
	events  func(ctx context.Context, streamID string, from int64) iter.Seq2[RecordedEvent, error]
	lookup  func(ctx context.Context, streamID, eventID string) (int64, bool, error)
	folded  int // events folded by this run
	retries int
	recent  map[string]int64 // event id → version of events met lately
}

// maxRecent bounds recovery.recent, so memory stays constant: causation
// ids mostly name a recent event, and the others are looked up.
const maxRecent = 4096

func (r *recovery) run(ctx context.Context, state *GameState) (*GameState, error) {
	if err := r.s.checkOpen(); err != nil {
		return nil, err
	}
	if err := ValidateStreamID(r.gameID); err != nil {
		return nil, err
	}
	g := state.Clone()
	if g.Version > 0 && g.GameID != r.gameID {
		return nil, fmt.Errorf("%w: the state is of game %q, not %q", ErrSnapshotNotFound, g.GameID, r.gameID)
	}
	// The stream's version before reading: every event up to it was
	// committed before the reads begin, so a stream whose events end
	// earlier has lost its last ones.
	var head int64
	err := r.retry(ctx, func() (progress bool, err error) {
		head, err = r.s.streamVersion(ctx, r.s.rdb, r.gameID)
		return false, err
	})
	switch {
	case err != nil:
		return nil, err
	case head == 0:
		return nil, fmt.Errorf("%w: %q", ErrStreamNotFound, r.gameID)
	}
	anchored := g.Version == 0
	err = r.retry(ctx, func() (progress bool, err error) {
		before := g.Version
		err = r.pass(ctx, g, &anchored)
		return g.Version > before, err
	})
	if err != nil {
		return nil, err
	}
	switch {
	case !anchored:
		return nil, fmt.Errorf("%w: stream %q has no event at the state's version %d", ErrSnapshotNotFound, r.gameID, g.Version)
	case g.Version < head:
		return nil, &RecoveryError{StreamID: r.gameID, Version: g.Version + 1, Rule: RuleContiguous,
			Err: fmt.Errorf("the stream is at version %d but its events end at version %d", head, g.Version)}
	}
	return g, nil
}

// pass reads the stream from g's version on and folds what it reads. It
// returns storage errors as they are, for run to retry the transient ones.
func (r *recovery) pass(ctx context.Context, g *GameState, anchored *bool) error {
	from := g.Version + 1
	if !*anchored {
		// Read the state's last event again, to see that it is still there.
		from = g.Version
	}
	lookup := func(id string) (int64, bool, error) {
		if v, ok := r.recent[id]; ok {
			return v, true, nil
		}
		v, found, err := r.lookup(ctx, r.gameID, id)
		if found {
			r.remember(id, v)
		}
		return v, found, err
	}
	for rec, err := range r.events(ctx, r.gameID, from) {
		var de *DecodeError
		if err != nil && !errors.As(err, &de) {
			return err
		}
		if !*anchored {
			version, position := rec.Version, rec.Position
			if de != nil {
				version, position = de.Version, de.Position
			}
			if version != g.Version || position != g.Position {
				return fmt.Errorf("%w: stream %q has version %d at position %d, the state version %d at position %d",
					ErrSnapshotNotFound, r.gameID, version, position, g.Version, g.Position)
			}
			*anchored = true
			continue
		}
		if de != nil {
			return &RecoveryError{StreamID: de.StreamID, Version: de.Version, Position: de.Position, Rule: RuleDecodes, Err: de}
		}
		if err := g.apply(&rec, lookup); err != nil {
			return err
		}
		r.folded++
		r.remember(rec.EventID, rec.Version)
	}
	return nil
}

// remember notes an event's version for causation checks, forgetting all
// once maxRecent are held.
func (r *recovery) remember(id string, version int64) {
	if id == "" {
		return
	}
	if r.recent == nil || len(r.recent) >= maxRecent {
		r.recent = make(map[string]int64)
	}
	r.recent[id] = version
}

// retry runs op until it succeeds or fails for good. A transient failure
// is tried again after a backoff (Options.RetryDelay, doubling, ±20%
// jitter), up to Options.MaxRetries times in a row; a try that made
// progress starts the count again.
func (r *recovery) retry(ctx context.Context, op func() (progress bool, err error)) error {
	delay, tries := r.s.opts.RetryDelay, 0
	for {
		progress, err := op()
		if err == nil || !isTransient(err) {
			return err
		}
		if progress {
			delay, tries = r.s.opts.RetryDelay, 0
		}
		if tries >= r.s.opts.MaxRetries {
			return err
		}
		tries++
		r.s.opts.Logger.Warn().Err(err).Str("stream_id", r.gameID).Int("retry", tries).Dur("delay", delay).
			Msg("eventstore: retrying game recovery")
		if err := sleep(ctx, jitter(delay)); err != nil {
			return err
		}
		r.retries++
		delay *= 2
	}
}

// eventVersion returns the version of the event eventID in the stream
// streamID; found is false when the stream holds no such event.
func (s *Store) eventVersion(ctx context.Context, streamID, eventID string) (version int64, found bool, err error) {
	if err := s.checkOpen(); err != nil {
		return 0, false, err
	}
	err = s.rdb.QueryRowContext(ctx, "SELECT version FROM events WHERE event_id = ? AND stream_id = ?", eventID, streamID).Scan(&version)
	switch {
	case isNoRows(err):
		return 0, false, nil
	case err != nil:
		return 0, false, queryError(ctx, err)
	}
	return version, true, nil
}
