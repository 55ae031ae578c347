package gamesim

import (
	"time"

	"github.com/gamebot/eventstore"
)

// playTwoPlayer plays one team of two over a number of rounds:
// game_started, per round round_started and its guesses, game_completed.
// Events: 2 + rounds + guesses = n.
func (s *sim) playTwoPlayer(n int) {
	// Long games get more rounds rather than endless ones.
	s.newTeams(1)
	rounds := twoPlayerRounds
	if n > 250 {
		rounds = n / 50
	}
	var cfg eventstore.GameConfig // zero: the mode's defaults
	if rounds != twoPlayerRounds {
		cfg.RoundsRequired = rounds
	}
	// The pair wins when at least success_threshold rounds had a match.
	threshold := cfg.WithDefaults(eventstore.ModeTwoPlayer).SuccessThreshold
	gs := s.start(cfg).EventMetadata()
	parent, won := gs, 0
	t := s.teams[0]
	for r, guesses := range split(n-2-rounds, rounds) {
		if r > 0 {
			s.round++
			s.tick(5, 20)
		}
		// Guesses answer the round's opening; the next round follows the
		// round's last guess.
		opener := s.roundStarted(parent, 0)
		parent = opener
		for range guesses {
			parent = s.guess(t, opener)
		}
		if t.roundMatches > 0 {
			won++
		}
	}
	s.tick(1, 3)
	winners := eventstore.NewSet[string]()
	if won >= threshold {
		winners.Add(t.id)
	}
	s.completed(parent, winners, rounds)
}

// playKnockout plays 3 or 4 teams (4 with Config.Events); each round the
// weakest active team is eliminated, until one is left. Per round:
// round_started, guesses, team_eliminated, knockout_round_completed.
// Events: 2 + 3·rounds + guesses = n.
func (s *sim) playKnockout(n int) {
	teams := 4
	if s.cfg.Events == 0 {
		teams = 3 + s.rng.IntN(2)
	}
	s.newTeams(teams)
	rounds := teams - 1
	// Every active team guesses at least once a round; the rest of the
	// guesses are shared out evenly between rounds.
	minimum := 0
	for r := range rounds {
		minimum += teams - r
	}
	extra := split(n-2-3*rounds-minimum, rounds)
	perRound := make([]int, rounds)
	limit := eventstore.DefaultEliminationGuessLimit
	for r := range rounds {
		perRound[r] = teams - r + extra[r]
		limit = max(limit, perRound[r]) // no team can run out mid-round
	}
	// Record the limit only where it differs from the default, as a bot
	// would.
	var cfg eventstore.GameConfig
	if limit != eventstore.DefaultEliminationGuessLimit {
		cfg.EliminationGuessLimit = limit
	}
	gs := s.start(cfg)
	parent := gs.EventMetadata()
	for r := range rounds {
		if r > 0 {
			s.round++
			s.tick(5, 20)
		}
		roundStart := s.now
		opener := s.roundStarted(parent, limit)
		for _, t := range s.schedule(s.active(), perRound[r]) {
			parent = s.guess(t, opener)
		}
		parent = s.eliminate(parent, limit, roundStart)
	}
	s.tick(1, 3)
	s.completed(parent, eventstore.NewSet(s.active()[0].id), rounds)
}

// eliminate emits team_eliminated for the round's weakest team and
// knockout_round_completed, and returns the latter's metadata.
func (s *sim) eliminate(parent *eventstore.Metadata, limit int, roundStart time.Time) *eventstore.Metadata {
	active := s.active()
	loser := active[0]
	for _, t := range active[1:] {
		// Fewest matches loses; then most guesses; then lowest score; a
		// later team loses a full tie.
		if t.roundMatches < loser.roundMatches ||
			t.roundMatches == loser.roundMatches && (t.roundGuesses > loser.roundGuesses ||
				t.roundGuesses == loser.roundGuesses && t.score <= loser.score) {
			loser = t
		}
	}
	reason := eventstore.EliminationRoundLoss
	if loser.roundGuesses >= limit {
		reason = eventstore.EliminationMaxGuesses
	}
	loser.eliminated = true
	s.tick(1, 3)
	e := &eventstore.TeamEliminated{
		Base: s.base(), TeamID: loser.id, Reason: reason,
		FinalState: eventstore.TeamInfo{
			TeamID: loser.id, PlayerIDs: loser.players[:], Score: loser.score,
			Matches: loser.matches, TotalGuesses: loser.total,
		},
		FinalScore: loser.score, PlayerStats: loser.playerStats(),
	}
	// The round closes right after the elimination, caused by it.
	md := s.emit(e, parent, "")
	s.tick(1, 2)
	k := &eventstore.KnockoutRoundCompleted{
		Base: s.base(),
		EliminatedTeams: []eventstore.EliminatedTeam{{
			TeamID: loser.id, Reason: reason, FinalScore: loser.score, PlayerStats: loser.playerStats(),
		}},
		RoundDuration: int(s.now.Sub(roundStart) / time.Second),
	}
	for _, t := range s.active() {
		k.AdvancingTeams = append(k.AdvancingTeams, eventstore.AdvancingTeam{
			TeamID: t.id, Score: t.score, Matches: t.matches, TotalGuesses: t.total,
		})
	}
	return s.emit(k, md, "")
}

// playRace plays 2 or 3 teams (3 with Config.Events) guessing in
// interleaved turns until the time limit: game_started, guesses,
// race_mode_time_expired, game_completed. Events: 3 + guesses = n.
func (s *sim) playRace(n int) {
	teams := 3
	if s.cfg.Events == 0 {
		teams = 2 + s.rng.IntN(2)
	}
	s.newTeams(teams)
	// Race has no rounds: every guess answers the game's start, and the
	// config is set once the guesses' duration is known.
	gs := s.start(eventstore.GameConfig{})
	opener := gs.EventMetadata()
	for _, t := range s.schedule(s.teams, n-3) {
		s.guess(t, opener)
	}
	// The time limit is the default unless the guesses took longer; then
	// it is the elapsed time rounded up to the next minute.
	limit := eventstore.DefaultTimeLimit
	if elapsed := int(s.now.Sub(gs.StartedAt)/time.Second) + 1; elapsed > limit {
		limit = (elapsed/60 + 1) * 60
		gs.Config.TimeLimit = limit
	}
	// The clock runs out exactly at the limit, after the last guess.
	s.now = gs.StartedAt.Add(time.Duration(limit) * time.Second)
	e := &eventstore.RaceModeTimeExpired{Base: s.base(), FinalMatches: map[string]eventstore.TeamMatches{}, GameDuration: limit}
	best := 1 // a team needs a match to win
	for _, t := range s.teams {
		e.FinalMatches[t.id] = eventstore.TeamMatches{
			Matches: t.matches, TotalGuesses: t.total, AverageGuesses: t.average(),
			LastMatchTimestamp: t.lastMatch, PlayerStats: t.playerStats(),
		}
		best = max(best, t.matches)
	}
	md := s.emit(e, opener, "")
	// Teams tied on the most matches share the win.
	winners := eventstore.NewSet[string]()
	for _, t := range s.teams {
		if t.matches == best {
			winners.Add(t.id)
		}
	}
	s.tick(1, 3)
	s.completed(md, winners, 1)
}
