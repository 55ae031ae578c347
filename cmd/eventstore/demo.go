package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/gamebot/eventstore"
	"github.com/gamebot/eventstore/internal/gamesim"
)

// demoGuilds are the guilds the demo plays in (Discord snowflakes).
var demoGuilds = []string{"801234567890123456", "802345678901234567", "803456789012345678"}

// demoGames are the games of one demo run: every mode, several guilds.
var demoGames = []struct {
	mode  eventstore.Mode
	guild int // index in demoGuilds
}{
	{eventstore.ModeTwoPlayer, 0},
	{eventstore.ModeKnockout, 0},
	{eventstore.ModeRace, 1},
	{eventstore.ModeTwoPlayer, 1},
	{eventstore.ModeKnockout, 2},
	{eventstore.ModeRace, 2},
}

// demoConflictAt is the number of events of the first game appended before
// its two writers race for the next version.
const demoConflictAt = 3

// conflict is what happened when two writers appended to one game with the
// same expected version.
type conflict struct {
	GameID   string `json:"game_id"`
	Expected int64  `json:"expected"`
	Actual   int64  `json:"actual"`  // what the loser was told
	Retried  int64  `json:"retried"` // the version the loser then appended at
	Error    string `json:"error"`
}

// demoGame is one game played, and then recovered.
type demoGame struct {
	GameID  string                `json:"game_id"`
	Mode    eventstore.Mode       `json:"mode"`
	GuildID string                `json:"guild_id"`
	Events  int                   `json:"events"`
	State   *eventstore.GameState `json:"state"`
	events  []eventstore.Event
}

// runDemo plays simulated games into the store, concurrently, through the
// public API, forces an optimistic concurrency conflict, recovers every
// game and prints a summary.
func runDemo(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "demo", true)
	seed := f.Uint64("seed", 1, "the `seed` of the simulated games")
	var now timeFlag
	f.Var(&now, "now", "fix the store's clock at this RFC 3339 `time`: games end before it, and time taken reads 0s")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	clock := now.clock()
	begin := clock()
	s, err := f.open(&eventstore.Options{Now: clock})
	if err != nil {
		return err
	}
	defer s.Close()

	run, err := nextDemoRun(ctx, s)
	if err != nil {
		return err
	}
	games, err := planDemo(*seed, run, clock())
	if err != nil {
		return err
	}

	// Every game has its own writer goroutine, as the games of a bot do.
	var wg sync.WaitGroup
	errs := make([]error, len(games))
	var clash conflict
	for i, g := range games {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 0 {
				errs[i] = playWithConflict(ctx, s, g, &clash)
				return
			}
			errs[i] = playGame(ctx, s, g.GameID, g.events, eventstore.NoStream)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}

	for _, g := range games {
		if g.State, err = eventstore.RecoverGame(ctx, s, g.GameID); err != nil {
			return fmt.Errorf("recovering %s: %w", g.GameID, err)
		}
	}
	took := clock().Sub(begin)
	if f.asJSON {
		return writeJSON(e.stdout, struct {
			Run      int         `json:"run"`
			Seed     uint64      `json:"seed"`
			Games    []*demoGame `json:"games"`
			Conflict conflict    `json:"conflict"`
			Millis   int64       `json:"took_ms"`
		}{run, *seed, games, clash, took.Milliseconds()})
	}
	printDemo(e, f.db, run, *seed, games, clash, took)
	return nil
}

// nextDemoRun returns the number of this run: one more than the highest
// run whose games are in the store, so every run has fresh game ids.
func nextDemoRun(ctx context.Context, s *eventstore.Store) (int, error) {
	last := 0
	q := eventstore.StreamQuery{Prefix: "demo-"}
	for {
		page, err := s.Streams(ctx, q)
		if err != nil {
			return 0, err
		}
		if len(page) == 0 {
			return last + 1, nil
		}
		for _, i := range page {
			num, _, _ := strings.Cut(strings.TrimPrefix(i.StreamID, "demo-"), "-")
			if n, err := strconv.Atoi(num); err == nil {
				last = max(last, n)
			}
		}
		q.After = page[len(page)-1].StreamID
	}
}

// planDemo simulates the games of a run; they all end before now.
func planDemo(seed uint64, run int, now time.Time) ([]*demoGame, error) {
	games := make([]*demoGame, len(demoGames))
	for k, d := range demoGames {
		g := &demoGame{
			GameID:  fmt.Sprintf("demo-%d-%s-%d", run, d.mode, k+1),
			Mode:    d.mode,
			GuildID: demoGuilds[d.guild],
		}
		cfg := gamesim.Config{
			Seed:    seed*1_000_003 + uint64(run)*1_000 + uint64(k),
			Mode:    d.mode,
			GuildID: g.GuildID,
			GameID:  g.GameID,
			Start:   now.Add(-6*time.Hour + time.Duration(k)*10*time.Minute),
		}
		events, err := gamesim.Play(cfg)
		if err != nil {
			return nil, err
		}
		if last := baseOf(events[len(events)-1]).Timestamp; last.After(now) {
			return nil, fmt.Errorf("game %s would end after the store's clock (%s)", g.GameID, last.Format(time.RFC3339))
		}
		g.events, g.Events = events, len(events)
		games[k] = g
	}
	return games, nil
}

// playGame appends events one by one, each expecting the version the
// previous one made, as a bot handling one message at a time does.
func playGame(ctx context.Context, s *eventstore.Store, gameID string, events []eventstore.Event, expected eventstore.ExpectedVersion) error {
	for _, ev := range events {
		res, err := s.Append(ctx, gameID, expected, ev)
		if err != nil {
			return fmt.Errorf("game %s: %w", gameID, err)
		}
		expected = eventstore.ExpectedVersion(res.Version)
	}
	return nil
}

// playWithConflict plays a game in which, after demoConflictAt events,
// two writers read the same version and append with it: the first wins,
// the second gets ErrWrongExpectedVersion, reads the version again and
// appends after the winner. The second waits for the first, so the
// stream keeps the game's order and the outcome is the same every run.
func playWithConflict(ctx context.Context, s *eventstore.Store, g *demoGame, clash *conflict) error {
	if err := playGame(ctx, s, g.GameID, g.events[:demoConflictAt], eventstore.NoStream); err != nil {
		return err
	}
	v, err := s.StreamVersion(ctx, g.GameID)
	if err != nil {
		return err
	}
	clash.GameID, clash.Expected = g.GameID, v
	first := make(chan error, 1)
	second := make(chan error, 1)
	go func() {
		_, err := s.Append(ctx, g.GameID, eventstore.ExpectedVersion(v), g.events[demoConflictAt])
		first <- err
	}()
	go func() {
		if err := <-first; err != nil {
			second <- err
			return
		}
		ev := g.events[demoConflictAt+1]
		_, err := s.Append(ctx, g.GameID, eventstore.ExpectedVersion(v), ev)
		var ve *eventstore.VersionError
		if !errors.As(err, &ve) {
			second <- fmt.Errorf("game %s: the second writer expected a version conflict, got %v", g.GameID, err)
			return
		}
		clash.Actual, clash.Error = ve.Actual, err.Error()
		// Re-read the version and try again.
		now, err := s.StreamVersion(ctx, g.GameID)
		if err != nil {
			second <- err
			return
		}
		res, err := s.Append(ctx, g.GameID, eventstore.ExpectedVersion(now), ev)
		clash.Retried = res.Version
		second <- err
	}()
	if err := <-second; err != nil {
		return err
	}
	return playGame(ctx, s, g.GameID, g.events[demoConflictAt+2:], eventstore.ExpectedVersion(clash.Retried))
}

// printDemo prints the summary of a run.
func printDemo(e *env, db string, run int, seed uint64, games []*demoGame, clash conflict, took time.Duration) {
	w := e.stdout
	guilds := map[string]bool{}
	modes := map[eventstore.Mode]int{}
	total := 0
	for _, g := range games {
		guilds[g.GuildID] = true
		modes[g.Mode]++
		total += g.Events
	}
	fmt.Fprintf(w, "demo run %d (seed %d) in %s: %d games in %d guilds, played concurrently\n\n", run, seed, db, len(games), len(guilds))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GAME\tMODE\tGUILD\tSTATUS\tROUNDS\tEVENTS\tWINNERS\tSCORES")
	for _, g := range games {
		st := g.State
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", g.GameID, g.Mode, g.GuildID, st.Status, st.Round,
			st.EventCount, list(st.Winners.Sorted()), scores(st))
	}
	tw.Flush()
	fmt.Fprintf(w, "\noptimistic concurrency in %s: two writers appended expecting version %d;\n", clash.GameID, clash.Expected)
	fmt.Fprintf(w, "  the loser was told the stream is at version %d, re-read it and appended version %d\n", clash.Actual, clash.Retried)
	var per []string
	for _, m := range []eventstore.Mode{eventstore.ModeTwoPlayer, eventstore.ModeKnockout, eventstore.ModeRace} {
		per = append(per, fmt.Sprintf("%d %s", modes[m], m))
	}
	fmt.Fprintf(w, "\ntotal: %d games (%s), %d events, %d guilds, all recovered\n", len(games), strings.Join(per, ", "), total, len(guilds))
	fmt.Fprintf(w, "took %s\n", took.Round(time.Millisecond))
}

// scores renders each team's score, highest first.
func scores(st *eventstore.GameState) string {
	ids := make([]string, 0, len(st.Progress))
	for id := range st.Progress {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := st.Progress[ids[i]].Score, st.Progress[ids[j]].Score
		return a > b || a == b && ids[i] < ids[j]
	})
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprintf("%s %d", id, st.Progress[id].Score)
	}
	return strings.Join(out, ", ")
}
