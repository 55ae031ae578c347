package gamesim

import (
	"slices"

	"github.com/gamebot/eventstore"
)

// words is the built-in word list players guess from.
var words = []string{
	"apple", "river", "castle", "dragon", "forest", "guitar", "harbor", "island",
	"jungle", "kettle", "lantern", "meadow", "needle", "ocean", "pepper", "quartz",
	"rocket", "saddle", "thunder", "umbrella", "valley", "window", "yellow", "zebra",
	"anchor", "bridge", "candle", "desert", "engine", "feather", "garden", "helmet",
}

// giveUp is the word of a race-mode give-up.
const giveUp = "give up"

// Rates of the unusual outcomes of a guess, in percent.
const (
	abandonPercent = 6
	giveUpPercent  = 5 // race mode only
)

// guess plays one guess of t and emits guess_processed or guess_abandoned
// caused by parent. It returns the event's metadata.
func (s *sim) guess(t *team, parent *eventstore.Metadata) *eventstore.Metadata {
	// Every attempt counts, abandoned ones included: the counters of
	// guess_abandoned must be positive too.
	s.tick(2, 15)
	t.total++
	t.roundGuesses++
	t.sinceMatch++
	p1, p2 := t.players[0], t.players[1]
	s.stat(p1).TotalGuesses++
	s.stat(p2).TotalGuesses++
	// Each player takes 0.8 to 12.8 s; the guess lasts as long as the
	// slower one.
	d1, d2 := 800+s.rng.IntN(12000), 800+s.rng.IntN(12000)
	w1 := words[s.rng.IntN(len(words))]

	if s.rng.IntN(100) < abandonPercent {
		return s.abandon(t, parent, w1, max(d1, d2))
	}
	e := &eventstore.GuessProcessed{
		Base: s.base(), TeamID: t.id, Player1ID: p1, Player2ID: p2,
		Player1Word: w1, GuessCount: t.sinceMatch, RoundGuessCount: t.roundGuesses,
		TotalGuesses: t.total, GuessDuration: max(d1, d2), Player1Duration: d1, Player2Duration: d2,
	}
	// Players converge: the longer a pair has tried, the likelier a
	// match, and the fewer points it is worth.
	chance := min(12+6*t.sinceMatch, 70)
	switch {
	case s.cfg.Mode == eventstore.ModeRace && s.rng.IntN(100) < giveUpPercent:
		e.Player1Word = giveUp
		e.Player2Word = words[s.rng.IntN(len(words))]
	case s.rng.IntN(100) < chance:
		score := max(1, 6-t.sinceMatch)
		e.Player2Word, e.GuessSuccessful, e.MatchScore = w1, true, &score
		t.score += score
		t.matches++
		t.roundMatches++
		t.sinceMatch = 0
		at := s.now
		t.lastMatch = &at
		s.stat(p1).SuccessfulMatches++
		s.stat(p2).SuccessfulMatches++
	default:
		// A different word: a miss.
		e.Player2Word = words[(slices.Index(words, w1)+1+s.rng.IntN(len(words)-1))%len(words)]
	}
	return s.emit(e, parent, p2)
}

// abandon emits guess_abandoned for the guess being played by t.
func (s *sim) abandon(t *team, parent *eventstore.Metadata, word string, duration int) *eventstore.Metadata {
	p1, p2 := t.players[0], t.players[1]
	// Either player may leave, for any of the three reasons.
	quitter := t.players[s.rng.IntN(2)]
	s.stat(quitter).AbandonedGuesses++
	reasons := []eventstore.AbandonReason{eventstore.AbandonTimeout, eventstore.AbandonPlayerQuit, eventstore.AbandonDisconnected}
	e := &eventstore.GuessAbandoned{
		Base: s.base(), TeamID: t.id, Player1ID: p1, Player2ID: p2,
		AbandoningPlayerID: quitter, Reason: reasons[s.rng.IntN(len(reasons))],
		GuessCount: t.sinceMatch, RoundGuessCount: t.roundGuesses, TotalGuesses: t.total,
	}
	if s.rng.IntN(3) > 0 {
		// The other player had already given a word.
		other := p1
		if quitter == p1 {
			other = p2
		}
		e.LastGuess = &eventstore.LastGuess{PlayerID: other, Word: word, Timestamp: s.now.Add(-1500e6)}
	}
	// A disconnect leaves no measured duration.
	if e.Reason != eventstore.AbandonDisconnected {
		e.GuessDuration = &duration
	}
	return s.emit(e, parent, quitter)
}

// stat returns the statistics of player id.
func (s *sim) stat(id string) *eventstore.PlayerStats {
	for _, t := range s.teams {
		if st, ok := t.stats[id]; ok {
			return st
		}
	}
	// Not reached: every player has stats. A throwaway value keeps the
	// simulator free of panics.
	return &eventstore.PlayerStats{}
}
