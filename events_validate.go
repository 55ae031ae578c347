package eventstore

import "time"

// Validate methods of the eight GameBot events. The order of the checks is
// documented in validate.go; each method lists its own steps.

// errNilEvent is what Validate returns for a nil event pointer.
func errNilEvent() error { return &ValidationError{Message: "event is nil"} }

// Validate implements Validator. After the base fields (round_number must
// be 1) and metadata it checks teams (non-empty, no empty ids, every team
// with players, no player listed twice, then the mode's team rules),
// team_ids, player_ids, config and started_at.
func (e *GameStarted) Validate(now time.Time) error {
	if e == nil {
		return errNilEvent()
	}
	var c checker
	c.base(&e.Base, now)
	c.check(e.RoundNumber == 1, "round_number", "round_number must be 1 for game_started")
	c.metadata(&e.Metadata)

	// teams: the generic rules first, team by team in key order.
	c.check(len(e.Teams) > 0, "teams", "teams must not be empty")
	teamKeys(&c, "teams", e.Teams)
	teamIDs := sortedKeys(e.Teams)
	owner := make(map[string]string) // player → team, to find players in two teams
	for _, id := range teamIDs {
		f := "teams." + id
		c.check(len(e.Teams[id]) > 0, f, f+" must have at least one player")
		for _, p := range e.Teams[id] {
			c.check(p != "", f, f+" has an empty player id")
			prev, dup := owner[p]
			c.check(!dup, f, "player "+p+" is listed in teams."+prev+" and "+f)
			owner[p] = id
		}
	}
	// The mode's rules come after the generic ones: a team without players
	// is reported as such, not as a wrong team size.
	switch e.Mode {
	case ModeTwoPlayer:
		c.check(len(e.Teams) == 1, "teams", "two_player needs exactly 1 team")
		for _, id := range teamIDs {
			c.check(len(e.Teams[id]) == 2, "teams."+id, "two_player needs exactly 2 players per team")
		}
	case ModeKnockout, ModeRace:
		c.check(len(e.Teams) >= 2, "teams", string(e.Mode)+" needs at least 2 teams")
	}

	// team_ids: the same set as the keys of teams, each id once; its
	// order (turn order) is free.
	c.check(len(e.TeamIDs) > 0, "team_ids", "team_ids must not be empty")
	seen := make(map[string]bool, len(e.TeamIDs))
	for _, id := range e.TeamIDs {
		c.check(!seen[id], "team_ids", "team_ids lists team "+id+" twice")
		_, declared := e.Teams[id]
		c.check(declared, "team_ids", "team_ids lists team "+id+" missing from teams")
		seen[id] = true
	}
	for _, id := range teamIDs {
		c.check(seen[id], "team_ids", "team_ids is missing team "+id)
	}

	// player_ids: every team member, each once; players outside teams
	// (spectators, substitutes) are allowed.
	c.check(len(e.PlayerIDs) > 0, "player_ids", "player_ids must not be empty")
	players := make(map[string]bool, len(e.PlayerIDs))
	for _, p := range e.PlayerIDs {
		c.check(!players[p], "player_ids", "player_ids lists player "+p+" twice")
		players[p] = true
	}
	for _, id := range teamIDs {
		for _, p := range e.Teams[id] {
			c.check(players[p], "player_ids", "player_ids is missing player "+p)
		}
	}

	// config: zero means the mode's default, so only negatives are wrong.
	c.nonNegative("config.rounds_required", e.Config.RoundsRequired)
	c.nonNegative("config.success_threshold", e.Config.SuccessThreshold)
	c.nonNegative("config.round_duration_seconds", e.Config.RoundDurationSeconds)
	c.nonNegative("config.elimination_guess_limit", e.Config.EliminationGuessLimit)
	c.nonNegative("config.time_limit", e.Config.TimeLimit)
	c.notFuture("started_at", e.StartedAt, now)
	return c.result()
}

// Validate implements Validator. After the base fields and metadata it
// checks team_states: non-empty, then per team id (ascending) that the key
// equals the state's team_id and the counts are not negative.
func (e *RoundStarted) Validate(now time.Time) error {
	if e == nil {
		return errNilEvent()
	}
	var c checker
	c.base(&e.Base, now)
	c.metadata(&e.Metadata)
	// An empty key is reported before the per-team rules would report it
	// as a mismatch with its team_id.
	c.check(len(e.TeamStates) > 0, "team_states", "team_states must not be empty")
	teamKeys(&c, "team_states", e.TeamStates)
	for _, id := range sortedKeys(e.TeamStates) {
		s, f := e.TeamStates[id], "team_states."+id
		c.check(s.TeamID == id, f+".team_id", f+".team_id must equal its key")
		c.nonNegative(f+".matches", s.Matches)
		c.nonNegative(f+".total_guesses", s.TotalGuesses)
		c.nonNegativeFloat(f+".average_guesses", s.AverageGuesses)
		c.nonNegative(f+".remaining_guesses", s.RemainingGuesses)
	}
	return c.result()
}

// Validate implements Validator. After the base fields and metadata it
// checks team_id, player1_id, player2_id (set and different), match_score
// against guess_successful, the three counts and the three durations.
func (e *GuessProcessed) Validate(now time.Time) error {
	if e == nil {
		return errNilEvent()
	}
	var c checker
	c.base(&e.Base, now)
	c.metadata(&e.Metadata)
	c.required("team_id", e.TeamID)
	c.required("player1_id", e.Player1ID)
	c.required("player2_id", e.Player2ID)
	// A guess pairs two different players; the second one is at fault.
	c.check(e.Player1ID != e.Player2ID, "player2_id", "player2_id must differ from player1_id")
	// match_score exists exactly when the guess matched.
	if e.GuessSuccessful {
		c.check(e.MatchScore != nil, "match_score", "match_score is required when guess_successful")
		c.check(e.MatchScore == nil || *e.MatchScore > 0, "match_score", "match_score must be a positive integer")
	} else {
		c.check(e.MatchScore == nil, "match_score", "match_score must be null when the guess failed")
	}
	c.positive("guess_count", e.GuessCount)
	c.positive("round_guess_count", e.RoundGuessCount)
	c.positive("total_guesses", e.TotalGuesses)
	c.nonNegative("guess_duration", e.GuessDuration)
	c.nonNegative("player1_duration", e.Player1Duration)
	c.nonNegative("player2_duration", e.Player2Duration)
	return c.result()
}

// Validate implements Validator. After the base fields and metadata it
// checks team_id, player1_id, player2_id, abandoning_player_id (one of the
// two), reason, last_guess (when present: player_id, word, timestamp, and
// the player is one of the two), the three counts and guess_duration.
func (e *GuessAbandoned) Validate(now time.Time) error {
	if e == nil {
		return errNilEvent()
	}
	var c checker
	c.base(&e.Base, now)
	c.metadata(&e.Metadata)
	c.required("team_id", e.TeamID)
	c.required("player1_id", e.Player1ID)
	c.required("player2_id", e.Player2ID)
	c.required("abandoning_player_id", e.AbandoningPlayerID)
	c.check(e.AbandoningPlayerID == e.Player1ID || e.AbandoningPlayerID == e.Player2ID,
		"abandoning_player_id", "abandoning_player_id must be player1_id or player2_id")
	c.check(e.Reason.Valid(), "reason", "reason must be timeout, player_quit or disconnected")
	// last_guess is optional, but complete when present.
	if g := e.LastGuess; g != nil {
		c.required("last_guess.player_id", g.PlayerID)
		c.required("last_guess.word", g.Word)
		c.check(!g.Timestamp.IsZero(), "last_guess.timestamp", "last_guess.timestamp is required")
		c.check(g.PlayerID == e.Player1ID || g.PlayerID == e.Player2ID,
			"last_guess.player_id", "last_guess.player_id must be player1_id or player2_id")
	}
	c.positive("guess_count", e.GuessCount)
	c.positive("round_guess_count", e.RoundGuessCount)
	c.positive("total_guesses", e.TotalGuesses)
	// guess_duration is null when it could not be measured.
	c.check(e.GuessDuration == nil || *e.GuessDuration >= 0, "guess_duration", "guess_duration must not be negative")
	return c.result()
}

// Validate implements Validator. After the base fields and metadata it
// checks team_id, reason, final_state (team_id equal to the event's, counts
// not negative) and player_stats.
func (e *TeamEliminated) Validate(now time.Time) error {
	if e == nil {
		return errNilEvent()
	}
	var c checker
	c.base(&e.Base, now)
	c.metadata(&e.Metadata)
	c.required("team_id", e.TeamID)
	c.check(e.Reason.Valid(), "reason", "reason must be timeout, max_guesses, round_loss or forfeit")
	// final_score has no rule: penalties can make a score negative.
	c.check(e.FinalState.TeamID == e.TeamID, "final_state.team_id", "final_state.team_id must equal team_id")
	c.nonNegative("final_state.matches", e.FinalState.Matches)
	c.nonNegative("final_state.total_guesses", e.FinalState.TotalGuesses)
	c.playerStats("player_stats", e.PlayerStats)
	return c.result()
}

// Validate implements Validator. After the base fields and metadata it
// checks winners (each a key of final_scores, in ascending order),
// final_scores (non-empty; per team: counts, average, player_stats),
// game_duration, total_rounds and finished_at (set, not after timestamp).
func (e *GameCompleted) Validate(now time.Time) error {
	if e == nil {
		return errNilEvent()
	}
	var c checker
	c.base(&e.Base, now)
	c.metadata(&e.Metadata)
	// winners before final_scores, as in the table; sorted for a fixed
	// report.
	for _, id := range e.Winners.Sorted() {
		_, scored := e.FinalScores[id]
		c.check(scored, "winners", "winners lists team "+id+" missing from final_scores")
	}
	c.check(len(e.FinalScores) > 0, "final_scores", "final_scores must not be empty")
	teamKeys(&c, "final_scores", e.FinalScores)
	for _, id := range sortedKeys(e.FinalScores) {
		s, f := e.FinalScores[id], "final_scores."+id
		c.nonNegative(f+".matches", s.Matches)
		c.nonNegative(f+".total_guesses", s.TotalGuesses)
		c.finite(f+".average_guesses", s.AverageGuesses)
		c.playerStats(f+".player_stats", s.PlayerStats)
	}
	c.nonNegative("game_duration", e.GameDuration)
	c.positive("total_rounds", e.TotalRounds)
	// finished_at is compared with timestamp at stored precision; it is
	// not in the future because timestamp is not.
	c.check(!e.FinishedAt.IsZero(), "finished_at", "finished_at is required")
	c.check(!NormalizeTime(e.FinishedAt).After(NormalizeTime(e.Timestamp)),
		"finished_at", "finished_at cannot be after timestamp")
	return c.result()
}

// Validate implements Validator. After the base fields (mode must be
// knockout) and metadata it checks eliminated_teams (by index: team_id set
// and not repeated, reason, player_stats), advancing_teams (by index:
// team_id set, not repeated, not eliminated; counts) and round_duration.
func (e *KnockoutRoundCompleted) Validate(now time.Time) error {
	if e == nil {
		return errNilEvent()
	}
	var c checker
	c.base(&e.Base, now)
	c.check(e.Mode == ModeKnockout, "mode", "mode must be knockout for knockout_round_completed")
	c.metadata(&e.Metadata)
	// Both lists are checked by index; a repeat is reported at its second
	// occurrence, a team in both lists at its advancing entry.
	eliminated := make(map[string]bool, len(e.EliminatedTeams))
	for i, t := range e.EliminatedTeams {
		f := index("eliminated_teams", i)
		c.required(f+".team_id", t.TeamID)
		c.check(!eliminated[t.TeamID], f+".team_id", "eliminated_teams lists team "+t.TeamID+" twice")
		eliminated[t.TeamID] = true
		c.check(t.Reason.Valid(), f+".reason", f+".reason must be timeout, max_guesses, round_loss or forfeit")
		c.playerStats(f+".player_stats", t.PlayerStats)
	}
	advancing := make(map[string]bool, len(e.AdvancingTeams))
	for i, t := range e.AdvancingTeams {
		f := index("advancing_teams", i)
		c.required(f+".team_id", t.TeamID)
		c.check(!advancing[t.TeamID], f+".team_id", "advancing_teams lists team "+t.TeamID+" twice")
		c.check(!eliminated[t.TeamID], f+".team_id", "team "+t.TeamID+" is both advancing and eliminated")
		advancing[t.TeamID] = true
		c.nonNegative(f+".matches", t.Matches)
		c.nonNegative(f+".total_guesses", t.TotalGuesses)
	}
	c.nonNegative("round_duration", e.RoundDuration)
	return c.result()
}

// Validate implements Validator. After the base fields (mode must be race)
// and metadata it checks final_matches (non-empty; per team: counts,
// average, player_stats) and game_duration.
func (e *RaceModeTimeExpired) Validate(now time.Time) error {
	if e == nil {
		return errNilEvent()
	}
	var c checker
	c.base(&e.Base, now)
	c.check(e.Mode == ModeRace, "mode", "mode must be race for race_mode_time_expired")
	c.metadata(&e.Metadata)
	// last_match_timestamp has no rule: null before a team's first match.
	c.check(len(e.FinalMatches) > 0, "final_matches", "final_matches must not be empty")
	teamKeys(&c, "final_matches", e.FinalMatches)
	for _, id := range sortedKeys(e.FinalMatches) {
		m, f := e.FinalMatches[id], "final_matches."+id
		c.nonNegative(f+".matches", m.Matches)
		c.nonNegative(f+".total_guesses", m.TotalGuesses)
		c.finite(f+".average_guesses", m.AverageGuesses)
		c.playerStats(f+".player_stats", m.PlayerStats)
	}
	c.nonNegative("game_duration", e.GameDuration)
	return c.result()
}
