package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	es "github.com/gamebot/eventstore"
	"github.com/gamebot/eventstore/internal/gamesim"
)

func ExampleRecoverGame() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	// A fixed clock, so the example's game is never in the future.
	clock := func() time.Time { return time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC) }
	s, err := es.Open(filepath.Join(dir, "games.db"), &es.Options{Now: clock})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ctx := context.Background()

	// A two-player game, as the bot would have written it.
	events, _ := gamesim.Play(gamesim.Config{
		Seed: 1, Mode: es.ModeTwoPlayer, GuildID: "310215437126746112", GameID: "game-1",
		Start: time.Date(2026, 1, 2, 18, 0, 0, 0, time.UTC),
	})
	if _, err := s.Append(ctx, "game-1", es.NoStream, events...); err != nil {
		fmt.Println(err)
		return
	}

	// After a restart, the bot folds the stream back into the game.
	g, err := es.RecoverGame(ctx, s, "game-1")
	if err != nil {
		var re *es.RecoveryError
		if errors.As(err, &re) {
			fmt.Println("broken at version", re.Version, "rule:", re.Rule)
		}
		return
	}
	fmt.Println(g.Mode, g.Status, "after", g.Version, "events and", g.Round, "rounds")
	for _, team := range g.TeamIDs {
		p := g.Progress[team]
		fmt.Printf("%s: score %d, %d matches in %d guesses, winner %v\n",
			team, p.Score, p.Matches, p.Guesses, g.Winners.Has(team))
	}
	// Output:
	// two_player completed after 54 events and 5 rounds
	// red: score 35, 13 matches in 47 guesses, winner true
}
