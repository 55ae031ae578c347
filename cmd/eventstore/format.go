package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gamebot/eventstore"
	"github.com/gamebot/eventstore/internal/gamesim"
)

// eventLine renders a stored event on one line: position, stream@version,
// type, game time and what happened.
func eventLine(r eventstore.RecordedEvent) string {
	when := ""
	if b := baseOf(r.Event); b != nil {
		when = b.Timestamp.Format("2006-01-02 15:04:05")
	}
	return fmt.Sprintf("%8d  %-28s %-24s %s  %s", r.Position, fmt.Sprintf("%s@%d", r.StreamID, r.Version),
		r.EventType, when, describe(r.Event))
}

// describe says in a few words what an event records.
func describe(ev eventstore.Event) string {
	switch e := ev.(type) {
	case *eventstore.GameStarted:
		return fmt.Sprintf("%s, %s, %s", e.Mode, plural(len(e.TeamIDs), "team"), plural(len(e.PlayerIDs), "player"))
	case *eventstore.RoundStarted:
		return fmt.Sprintf("round %d, %s", e.RoundNumber, plural(len(e.TeamStates), "team"))
	case *eventstore.GuessProcessed:
		if e.GuessSuccessful {
			score := 0
			if e.MatchScore != nil {
				score = *e.MatchScore
			}
			return fmt.Sprintf("%s matched %q (+%d, guess %d)", e.TeamID, e.Player1Word, score, e.GuessCount)
		}
		return fmt.Sprintf("%s missed %q/%q (guess %d)", e.TeamID, e.Player1Word, e.Player2Word, e.GuessCount)
	case *eventstore.GuessAbandoned:
		return fmt.Sprintf("%s abandoned by %s (%s)", e.TeamID, e.AbandoningPlayerID, e.Reason)
	case *eventstore.TeamEliminated:
		return fmt.Sprintf("%s eliminated (%s), score %d", e.TeamID, e.Reason, e.FinalScore)
	case *eventstore.GameCompleted:
		return fmt.Sprintf("winners %s after %s, %ds", list(e.Winners.Sorted()), plural(e.TotalRounds, "round"), e.GameDuration)
	case *eventstore.KnockoutRoundCompleted:
		out := make([]string, len(e.EliminatedTeams))
		for i, t := range e.EliminatedTeams {
			out[i] = t.TeamID
		}
		in := make([]string, len(e.AdvancingTeams))
		for i, t := range e.AdvancingTeams {
			in[i] = t.TeamID
		}
		return fmt.Sprintf("round %d: out %s, on %s", e.RoundNumber, list(out), list(in))
	case *eventstore.RaceModeTimeExpired:
		return fmt.Sprintf("time up after %ds, %s", e.GameDuration, plural(len(e.FinalMatches), "team"))
	}
	return ""
}

// plural renders "1 round", "2 rounds".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// list renders ids as "a, b" or "none".
func list(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// baseOf returns the Base of a GameBot event, or nil.
func baseOf(ev eventstore.Event) *eventstore.Base { return gamesim.BaseOf(ev) }

// printer writes events as text lines or, with asJSON, as JSONL envelopes.
type printer struct {
	w      io.Writer
	asJSON bool
	ew     *eventstore.EnvelopeWriter
}

func newPrinter(w io.Writer, asJSON bool) *printer {
	return &printer{w: w, asJSON: asJSON, ew: eventstore.NewEnvelopeWriter(w, nil)}
}

func (p *printer) print(r eventstore.RecordedEvent) error {
	if p.asJSON {
		return p.ew.Write(r)
	}
	_, err := fmt.Fprintln(p.w, eventLine(r))
	return err
}

// writeJSON writes v as indented JSON and a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// formatTime renders a commit time for people; "-" when zero.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(eventstore.TimeLayout)
}

// jsonTime renders a time for JSON output; "" when zero.
func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(eventstore.TimeLayout)
}

// byteSize renders n bytes for people.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
