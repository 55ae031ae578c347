package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/gamebot/eventstore"
)

// runRecover prints the state of a game recovered from its stream.
func runRecover(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "recover", true)
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	s, err := f.openExisting(nil)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := eventstore.RecoverGame(ctx, s, pos[0])
	if err != nil {
		return err
	}
	if f.asJSON {
		return writeJSON(e.stdout, st)
	}
	printGameState(e, st)
	return nil
}

// printGameState renders a recovered game for people.
func printGameState(e *env, st *eventstore.GameState) {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "game\t%s\n", st.GameID)
	fmt.Fprintf(tw, "guild\t%s\n", st.GuildID)
	fmt.Fprintf(tw, "mode\t%s (%s)\n", st.Mode, configText(st.Mode, st.Config))
	status := string(st.Status)
	if st.TimeExpired {
		status += ", time expired"
	}
	fmt.Fprintf(tw, "status\t%s, round %d\n", status, st.Round)
	fmt.Fprintf(tw, "started\t%s\n", formatTime(st.StartedAt))
	fmt.Fprintf(tw, "finished\t%s\n", formatTime(st.FinishedAt))
	fmt.Fprintf(tw, "winners\t%s\n", list(st.Winners.Sorted()))
	fmt.Fprintf(tw, "words\t%d matched\n", st.UsedWords.Len())
	fmt.Fprintf(tw, "folded\t%d events, up to version %d (position %d)\n", st.EventCount, st.Version, st.Position)
	tw.Flush()
	fmt.Fprintln(e.stdout)
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TEAM\tPLAYERS\tSCORE\tMATCHES\tGUESSES\tABANDONED\tSTATE")
	for _, id := range st.TeamIDs {
		p := st.Progress[id]
		if p == nil {
			p = &eventstore.TeamProgress{}
		}
		state := "playing"
		switch {
		case st.Winners.Has(id):
			state = "won"
		case st.EliminatedTeams.Has(id):
			state = "eliminated"
		case st.Status == eventstore.GameStatusCompleted:
			state = "lost"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\n", id, strings.Join(st.Teams[id], " "), p.Score, p.Matches, p.Guesses, p.Abandoned, state)
	}
	tw.Flush()
}

// configText renders the settings of a game's mode.
func configText(m eventstore.Mode, c eventstore.GameConfig) string {
	switch m {
	case eventstore.ModeTwoPlayer:
		return fmt.Sprintf("%d rounds, success threshold %d", c.RoundsRequired, c.SuccessThreshold)
	case eventstore.ModeKnockout:
		return fmt.Sprintf("rounds of %ds, elimination at %d guesses", c.RoundDurationSeconds, c.EliminationGuessLimit)
	case eventstore.ModeRace:
		return fmt.Sprintf("time limit %ds", c.TimeLimit)
	}
	return "unknown mode"
}
