package eventstore

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// Validation of the GameBot events (EVENTS.md). Every Validate checks its
// rules in one fixed order and reports the first broken one as a
// *ValidationError naming the JSON field (dotted for nested fields, map
// keys and slice indexes included: "teams.t1", "eliminated_teams.0.team_id"):
//
//  1. the base fields, in order: game_id, guild_id, mode, round_number,
//     timestamp;
//  2. the event's own rules on base fields (game_started: round_number is
//     1; knockout_round_completed and race_mode_time_expired: their mode);
//  3. the metadata: metadata.source_id, then metadata.correlation_id;
//  4. the event's fields in the order of their EVENTS.md table; inside a
//     map, keys in ascending order; inside a slice, by index.
//
// Times are compared at microsecond precision, the precision they are
// stored with, so an event is valid before a storage round trip exactly
// when it is valid after one. Nil and empty maps, slices and sets are
// treated alike for the same reason. A zero now skips the "not in the
// future" rules. Floats must also be finite, since JSON cannot hold NaN
// or infinities.

// checker collects the first broken rule; later checks are no-ops.
type checker struct {
	err *ValidationError
}

// result returns the first broken rule as an error, or nil.
func (c *checker) result() error {
	if c.err == nil {
		return nil
	}
	return c.err
}

// check records field/msg as broken unless cond holds.
func (c *checker) check(cond bool, field, msg string) {
	if c.err == nil && !cond {
		c.err = &ValidationError{Field: field, Message: msg}
	}
}

func (c *checker) required(field, v string) {
	c.check(v != "", field, field+" is required")
}

func (c *checker) positive(field string, n int) {
	c.check(n > 0, field, field+" must be a positive integer")
}

func (c *checker) nonNegative(field string, n int) {
	c.check(n >= 0, field, field+" must not be negative")
}

// finite checks a float that has no range rule but must be encodable.
func (c *checker) finite(field string, f float64) {
	c.check(!math.IsNaN(f) && !math.IsInf(f, 0), field, field+" must be a finite number")
}

func (c *checker) nonNegativeFloat(field string, f float64) {
	c.check(f >= 0 && !math.IsInf(f, 1), field, field+" must be a finite number not below zero")
}

// notFuture checks a required time that must not be later than now.
func (c *checker) notFuture(field string, t, now time.Time) {
	c.check(!t.IsZero(), field, field+" is required")
	if !now.IsZero() {
		c.check(!NormalizeTime(t).After(NormalizeTime(now)), field, field+" cannot be in the future")
	}
}

// base checks the fields every event shares (steps 1 and 3 are split by
// the event's own base rules, so metadata is checked separately).
func (c *checker) base(b *Base, now time.Time) {
	c.required("game_id", b.GameID)
	c.required("guild_id", b.GuildID)
	c.check(b.Mode.Valid(), "mode", "mode must be two_player, knockout or race")
	c.positive("round_number", b.RoundNumber)
	c.notFuture("timestamp", b.Timestamp, now)
}

// metadata checks the required metadata fields.
func (c *checker) metadata(m *Metadata) {
	c.required("metadata.source_id", m.SourceID)
	c.required("metadata.correlation_id", m.CorrelationID)
}

// playerStats checks a player_stats map under field.
func (c *checker) playerStats(field string, stats map[string]PlayerStats) {
	for _, id := range sortedKeys(stats) {
		s, f := stats[id], field+"."+id
		c.check(id != "", field, field+" has an empty player id")
		c.nonNegative(f+".total_guesses", s.TotalGuesses)
		c.nonNegative(f+".successful_matches", s.SuccessfulMatches)
		c.nonNegative(f+".abandoned_guesses", s.AbandonedGuesses)
		c.nonNegativeFloat(f+".average_guess_count", s.AverageGuessCount)
	}
}

// teamKeys checks that no key of a team-id map is empty.
func teamKeys[V any](c *checker, field string, m map[string]V) {
	_, empty := m[""]
	c.check(!empty, field, field+" has an empty team id")
}

// sortedKeys returns m's keys in ascending order, so map checks run in a
// fixed order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// index returns the dotted field of the i-th element of a slice field.
func index(field string, i int) string { return field + "." + strconv.Itoa(i) }
