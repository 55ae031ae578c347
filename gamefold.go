package eventstore

import (
	"fmt"
	"time"
)

// The rules of a well-formed game stream (EVENTS.md, "Streams of a game"),
// as named by RecoveryError.Rule. GameState.Apply checks them in this
// order and reports the first one an event breaks.
const (
	// RuleContiguous: stream versions start at 1 and go up by one.
	RuleContiguous = "versions are contiguous from 1"
	// RuleDecodes: every event can be decoded.
	RuleDecodes = "every event decodes"
	// RuleGameEvent: every event is one of the eight GameBot events.
	RuleGameEvent = "every event is a game event"
	// RuleValid: every event passes its own validation.
	RuleValid = "every event is valid"
	// RuleGameStarted: game_started comes first, and only once.
	RuleGameStarted = "game_started comes first and once"
	// RuleSameGame: every event has game_started's game_id (the stream's
	// id), guild_id and mode.
	RuleSameGame = "every event is of the same game, guild and mode"
	// RuleRoundOrder: round numbers never decrease.
	RuleRoundOrder = "round numbers never decrease"
	// RuleTimeOrder: timestamps never decrease.
	RuleTimeOrder = "timestamps never decrease"
	// RuleCausation: a causation id naming an event of the stream names an
	// earlier one.
	RuleCausation = "causation ids name earlier events"
	// RuleGameEnd: nothing follows game_completed except, in race mode, one
	// race_mode_time_expired, which may instead come just before it.
	RuleGameEnd = "nothing follows the end of the game"
	// RuleDeclaredTeam: every team mentioned was declared in game_started.
	RuleDeclaredTeam = "every team was declared"
	// RuleEliminatedTeam: no team acts (guesses, starts a round, advances)
	// after its team_eliminated.
	RuleEliminatedTeam = "no team acts after its elimination"
)

// giveUpWord is the word of a race-mode give-up, which is no word at all.
const giveUpWord = "give up"

// causeLookup finds the stream version of the event with the given id in
// the stream being recovered; found is false for an id that is not an
// event of the stream. Its errors are storage errors, not rule breaks.
type causeLookup func(eventID string) (version int64, found bool, err error)

// Apply folds the next event of the game's stream into g: rec must be the
// event at version g.Version+1 (on a zero GameState, the stream's first
// event, game_started). Apply checks the event against the rules of a
// game stream, in the order of the Rule constants, and returns a
// *RecoveryError (matching ErrCorruptStream) for the first one broken;
// g is then left unchanged, so Apply is all or nothing.
//
// Apply cannot know the events after rec, so of the causation rule it only
// checks that an event does not name itself as its cause; RecoverGame and
// RecoverGameFrom, which read the stream, check the whole rule.
func (g *GameState) Apply(rec RecordedEvent) error {
	return g.apply(&rec, nil)
}

// apply is Apply with a lookup for causation ids (nil: none). An error
// of the lookup is returned as it is.
func (g *GameState) apply(rec *RecordedEvent, lookup causeLookup) error {
	b, err := g.check(rec, lookup)
	if err != nil {
		return err
	}
	g.fold(rec, b)
	return nil
}

// check reports the first rule rec breaks, or returns rec's Base.
func (g *GameState) check(rec *RecordedEvent, lookup causeLookup) (*Base, error) {
	fail := func(rule string, err error) (*Base, error) {
		id := rec.StreamID
		if id == "" {
			id = g.GameID
		}
		return nil, &RecoveryError{StreamID: id, Version: rec.Version, Position: rec.Position, Rule: rule, Err: err}
	}
	failf := func(rule, format string, args ...any) (*Base, error) {
		return fail(rule, fmt.Errorf(format, args...))
	}
	switch {
	case rec.Version == g.Version+1:
	case rec.Version <= g.Version:
		return failf(RuleContiguous, "version %d comes after version %d", rec.Version, g.Version)
	default:
		return failf(RuleContiguous, "version %d follows version %d: version %d is missing", rec.Version, g.Version, g.Version+1)
	}
	if rec.Event == nil {
		return failf(RuleDecodes, "%w: %s event was not decoded", ErrDeserializationFailed, rec.EventType)
	}
	b := gameBase(rec.Event)
	if b == nil {
		return failf(RuleGameEvent, "%s is not a game event", rec.Event.EventType())
	}
	// A zero clock skips the "not in the future" rules: what was valid when
	// it was appended stays valid under any clock.
	if v, ok := rec.Event.(Validator); ok {
		if err := v.Validate(time.Time{}); err != nil {
			return fail(RuleValid, err)
		}
	}
	gs, isStart := rec.Event.(*GameStarted)
	started := g.Status != ""
	switch {
	case !started && !isStart:
		return failf(RuleGameStarted, "first event is %s, not game_started", rec.Event.EventType())
	case started && isStart:
		return failf(RuleGameStarted, "a second game_started")
	}
	// The first event sets the game every later one must match.
	gameID, guildID, mode := g.GameID, g.GuildID, g.Mode
	if !started {
		gameID, guildID, mode = rec.StreamID, gs.GuildID, gs.Mode
	}
	switch {
	case rec.StreamID != gameID:
		return failf(RuleSameGame, "event of stream %q in stream %q", rec.StreamID, gameID)
	case b.GameID != gameID:
		return failf(RuleSameGame, "game_id %q, want %q", b.GameID, gameID)
	case b.GuildID != guildID:
		return failf(RuleSameGame, "guild_id %q, want %q", b.GuildID, guildID)
	case b.Mode != mode:
		return failf(RuleSameGame, "mode %q, want %q", b.Mode, mode)
	case b.RoundNumber < g.Round:
		return failf(RuleRoundOrder, "round_number %d after %d", b.RoundNumber, g.Round)
	case b.Timestamp.Before(g.LastEventAt):
		return failf(RuleTimeOrder, "timestamp %s before %s", b.Timestamp.Format(TimeLayout), g.LastEventAt.Format(TimeLayout))
	}
	if cause := b.Metadata.CausationID; cause != "" {
		switch {
		case cause == rec.EventID || cause == b.Metadata.EventID:
			return failf(RuleCausation, "causation_id %q names the event itself", cause)
		case lookup != nil:
			v, found, err := lookup(cause)
			if err != nil {
				return nil, err
			}
			if found && v >= rec.Version {
				return failf(RuleCausation, "causation_id %q names version %d, not an earlier one", cause, v)
			}
		}
	}
	typ := rec.Event.EventType()
	switch {
	case g.Status == GameStatusCompleted && (mode != ModeRace || typ != TypeRaceModeTimeExpired || g.TimeExpired):
		return failf(RuleGameEnd, "%s after game_completed", typ)
	case g.TimeExpired && g.Status != GameStatusCompleted && typ != TypeGameCompleted:
		return failf(RuleGameEnd, "%s after race_mode_time_expired", typ)
	}
	if started {
		mentioned, acting := eventTeams(rec.Event)
		for _, t := range mentioned {
			if _, ok := g.Teams[t]; !ok {
				return failf(RuleDeclaredTeam, "team %q was not declared", t)
			}
		}
		for _, t := range acting {
			if g.EliminatedTeams.Has(t) {
				return failf(RuleEliminatedTeam, "team %q acts after its elimination", t)
			}
		}
	}
	return b, nil
}

// fold applies a checked event to g.
func (g *GameState) fold(rec *RecordedEvent, b *Base) {
	switch e := rec.Event.(type) {
	case *GameStarted:
		g.start(e)
	case *RoundStarted:
		// The per-round counters restart; the game totals go on.
		for id := range e.TeamStates {
			p := g.progress(id)
			p.RoundGuesses, p.RoundMatches = 0, 0
		}
	case *GuessProcessed:
		p := g.progress(e.TeamID)
		p.Guesses++
		p.RoundGuesses++
		if e.GuessSuccessful {
			p.Matches++
			p.RoundMatches++
			if e.MatchScore != nil {
				p.Score += *e.MatchScore
			}
			g.UsedWords.Add(e.Player1Word)
		}
		g.forbid(e.Player1ID, e.Player1Word)
		g.forbid(e.Player2ID, e.Player2Word)
	case *GuessAbandoned:
		p := g.progress(e.TeamID)
		p.Guesses++
		p.RoundGuesses++
		p.Abandoned++
	case *TeamEliminated:
		g.EliminatedTeams.Add(e.TeamID)
	case *RaceModeTimeExpired:
		g.TimeExpired = true
	case *GameCompleted:
		g.Status = GameStatusCompleted
		g.Winners = NewSet(e.Winners.Sorted()...)
		g.FinishedAt = e.FinishedAt
	}
	g.Round = max(g.Round, b.RoundNumber)
	g.LastEventAt = b.Timestamp
	g.Version = rec.Version
	g.Position = rec.Position
	g.EventCount++
}

// start sets up g from game_started.
func (g *GameState) start(e *GameStarted) {
	g.GameID, g.GuildID, g.Mode = e.GameID, e.GuildID, e.Mode
	g.Status = GameStatusActive
	g.Teams = make(map[string][]string, len(e.Teams))
	g.Progress = make(map[string]*TeamProgress, len(e.Teams))
	for id, players := range e.Teams {
		g.Teams[id] = append([]string{}, players...)
		g.Progress[id] = &TeamProgress{}
	}
	g.TeamIDs = append([]string{}, e.TeamIDs...)
	g.PlayerIDs = append([]string{}, e.PlayerIDs...)
	g.Config = e.Config.WithDefaults(e.Mode)
	g.EliminatedTeams = NewSet[string]()
	g.Winners = NewSet[string]()
	g.UsedWords = NewSet[string]()
	g.ForbiddenWords = make(map[string]Set[string])
	g.StartedAt = e.StartedAt
}

// progress returns the tally of a declared team.
func (g *GameState) progress(team string) *TeamProgress {
	p := g.Progress[team]
	if p == nil {
		// Not reached for a checked event: every team was declared.
		p = &TeamProgress{}
		g.Progress[team] = p
	}
	return p
}

// forbid records that player gave word, which the player may not give
// again. Empty words and give-ups are not words.
func (g *GameState) forbid(player, word string) {
	if word == "" || word == giveUpWord {
		return
	}
	s := g.ForbiddenWords[player]
	s.Add(word)
	g.ForbiddenWords[player] = s
}

// gameBase returns the Base of a GameBot event, or nil for another event
// and for a nil one.
func gameBase(e Event) *Base {
	var b *Base
	switch e := e.(type) {
	case *GameStarted:
		if e != nil {
			b = &e.Base
		}
	case *RoundStarted:
		if e != nil {
			b = &e.Base
		}
	case *GuessProcessed:
		if e != nil {
			b = &e.Base
		}
	case *GuessAbandoned:
		if e != nil {
			b = &e.Base
		}
	case *TeamEliminated:
		if e != nil {
			b = &e.Base
		}
	case *GameCompleted:
		if e != nil {
			b = &e.Base
		}
	case *KnockoutRoundCompleted:
		if e != nil {
			b = &e.Base
		}
	case *RaceModeTimeExpired:
		if e != nil {
			b = &e.Base
		}
	}
	return b
}

// eventTeams returns the team ids e mentions and, among them, those that
// act: guessing, starting a round, advancing. Being named in an
// elimination or a result is not acting.
func eventTeams(e Event) (mentioned, acting []string) {
	switch e := e.(type) {
	case *RoundStarted:
		acting = sortedKeys(e.TeamStates)
	case *GuessProcessed:
		acting = []string{e.TeamID}
	case *GuessAbandoned:
		acting = []string{e.TeamID}
	case *TeamEliminated:
		mentioned = []string{e.TeamID, e.FinalState.TeamID}
	case *GameCompleted:
		mentioned = append(e.Winners.Sorted(), sortedKeys(e.FinalScores)...)
	case *KnockoutRoundCompleted:
		for _, t := range e.EliminatedTeams {
			mentioned = append(mentioned, t.TeamID)
		}
		for _, t := range e.AdvancingTeams {
			acting = append(acting, t.TeamID)
		}
	case *RaceModeTimeExpired:
		mentioned = sortedKeys(e.FinalMatches)
	}
	return append(mentioned, acting...), acting
}
