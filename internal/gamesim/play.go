package gamesim

import (
	"slices"
	"time"

	"github.com/gamebot/eventstore"
)

// The fewest events of a game with Config.Events, by mode: see the event
// counts in each play function.
const (
	minTwoPlayer = 2 + 2*twoPlayerRounds // start, end, per round a start and a guess
	minKnockout  = 2 + 3*3 + 4 + 3 + 2   // 4 teams: 3 rounds of 3 events and one guess per active team
	minRace      = 3 + 3                 // start, expiry, end, one guess per team of 3
)

// twoPlayerRounds is the number of rounds of a two_player game up to 250
// events; longer games have one round per 50 events.
const twoPlayerRounds = eventstore.DefaultRoundsRequired

var teamNames = []string{"red", "blue", "green", "gold"}

// newTeams makes n teams of two players with distinct ids.
func (s *sim) newTeams(n int) {
	seen := make(map[string]bool)
	for i := range n {
		t := &team{id: teamNames[i], stats: make(map[string]*eventstore.PlayerStats)}
		for j := range t.players {
			id := s.playerID()
			for seen[id] {
				id = s.playerID()
			}
			seen[id] = true
			t.players[j] = id
			t.stats[id] = &eventstore.PlayerStats{}
		}
		s.teams = append(s.teams, t)
	}
}

// start emits game_started and returns it.
func (s *sim) start(cfg eventstore.GameConfig) *eventstore.GameStarted {
	s.round = 1
	// Teams and players are listed in turn and join order.
	e := &eventstore.GameStarted{Base: s.base(), Teams: map[string][]string{}, Config: cfg, StartedAt: s.now}
	for _, t := range s.teams {
		e.Teams[t.id] = t.players[:]
		e.TeamIDs = append(e.TeamIDs, t.id)
		e.PlayerIDs = append(e.PlayerIDs, t.players[:]...)
	}
	// The first player's command opens the game in some channel.
	md := s.emit(e, nil, s.teams[0].players[0])
	md.Extra = map[string]string{"channel_id": s.snowflake()}
	return e
}

// roundStarted emits round_started for the active teams; remaining is
// each team's guess allowance (0 where the mode has none).
func (s *sim) roundStarted(parent *eventstore.Metadata, remaining int) *eventstore.Metadata {
	e := &eventstore.RoundStarted{Base: s.base(), TeamStates: map[string]eventstore.TeamState{}}
	// The per-round counters restart; the game totals go on.
	for _, t := range s.active() {
		t.roundGuesses, t.roundMatches = 0, 0
		e.TeamStates[t.id] = eventstore.TeamState{
			TeamID:            t.id,
			ActivePlayers:     eventstore.NewSet(t.players[:]...),
			EliminatedPlayers: eventstore.NewSet[string](),
			Score:             t.score,
			Matches:           t.matches,
			TotalGuesses:      t.total,
			AverageGuesses:    t.average(),
			RemainingGuesses:  remaining,
		}
	}
	return s.emit(e, parent, "")
}

// completed emits game_completed with the given winners.
func (s *sim) completed(parent *eventstore.Metadata, winners eventstore.Set[string], rounds int) {
	e := &eventstore.GameCompleted{
		Base:         s.base(),
		Winners:      winners,
		FinalScores:  map[string]eventstore.TeamScore{},
		GameDuration: int(s.now.Sub(s.cfg.Start) / time.Second),
		TotalRounds:  rounds,
		FinishedAt:   s.now,
	}
	// Eliminated teams keep their final score.
	for _, t := range s.teams {
		e.FinalScores[t.id] = eventstore.TeamScore{
			Score: t.score, Matches: t.matches, TotalGuesses: t.total,
			AverageGuesses: t.average(), PlayerStats: t.playerStats(),
		}
	}
	s.emit(e, parent, "")
}

// active returns the teams not eliminated, in turn order.
func (s *sim) active() []*team {
	var out []*team
	for _, t := range s.teams {
		if !t.eliminated {
			out = append(out, t)
		}
	}
	return out
}

// schedule returns a random interleaving of guesses: every team of teams
// at least once, n turns in all (n ≥ len(teams)).
func (s *sim) schedule(teams []*team, n int) []*team {
	// One guaranteed turn each, the rest drawn, then all shuffled.
	turns := slices.Clone(teams)
	for len(turns) < n {
		turns = append(turns, teams[s.rng.IntN(len(teams))])
	}
	s.rng.Shuffle(len(turns), func(i, j int) { turns[i], turns[j] = turns[j], turns[i] })
	return turns
}

// split divides n into k near-equal parts, the larger ones first.
func split(n, k int) []int {
	parts := make([]int, k)
	for i := range parts {
		parts[i] = n / k
		if i < n%k {
			parts[i]++
		}
	}
	return parts
}

// average returns guesses per match, 0 before the first match.
func (t *team) average() float64 {
	if t.matches == 0 {
		return 0
	}
	return float64(t.total) / float64(t.matches)
}

// playerStats returns a copy of the team's player statistics.
func (t *team) playerStats() map[string]eventstore.PlayerStats {
	out := make(map[string]eventstore.PlayerStats, len(t.stats))
	for id, st := range t.stats {
		// A copy: later guesses must not change events already made.
		v := *st
		if v.SuccessfulMatches > 0 {
			v.AverageGuessCount = float64(v.TotalGuesses) / float64(v.SuccessfulMatches)
		}
		out[id] = v
	}
	return out
}
